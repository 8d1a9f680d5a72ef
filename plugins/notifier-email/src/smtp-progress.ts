/**
 * How far one SMTP session got, read from nodemailer's transaction log: whether the TCP (or TLS)
 * connection opened, whether the server spoke, and the last command sent. A timeout then says
 * where it struck ("no greeting", "no reply to RCPT") instead of only that time ran out.
 * Nothing is kept but the command's verb, so credentials in an AUTH line never leave here.
 */
export class SmtpProgress {
  connected = false;
  greeted = false;
  lastCommand?: string;

  /** A bunyan-style logger for nodemailer's `logger` option (with `transactionLog: true`). */
  readonly logger = Object.fromEntries(
    ['trace', 'debug', 'info', 'warn', 'error', 'fatal'].map((level) => [level, (entry: { tnx?: string } | undefined, message?: unknown) => this.observe(entry?.tnx, message)]),
  );

  private observe(tnx: string | undefined, message: unknown): void {
    if (tnx === 'network' && typeof message === 'string' && message.includes('established')) this.connected = true;
    else if (tnx === 'server') this.greeted = true;
    else if (tnx === 'client' && typeof message === 'string') this.lastCommand = message.split(' ')[0]?.toUpperCase();
  }
}
