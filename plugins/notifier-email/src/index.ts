import nodemailer from 'nodemailer';
import { defineNotifier, type AlertNotification } from '@vigia/plugin-sdk';
import { configSchema, type EmailConfig } from './config.ts';
import { subjectLine } from './format.ts';
import { episodeThreadId, notificationMessageId } from './message-id.ts';
import { renderHtml } from './render-html.ts';
import { renderText } from './render-text.ts';
import { classifySmtpError } from './smtp-errors.ts';
import { SmtpProgress } from './smtp-progress.ts';

function createTransport(config: EmailConfig, progress: SmtpProgress) {
  return nodemailer.createTransport({
    host: config.host,
    port: config.port,
    secure: config.secure ?? config.port === 465,
    auth: config.user ? { user: config.user, pass: config.password ?? '' } : undefined,
    // nodemailer's own defaults run to minutes; one delivery gets timeout_ms in total (below), and
    // each step is held to it too so a silent server is noticed even without the overall signal.
    connectionTimeout: config.timeout_ms,
    greetingTimeout: config.timeout_ms,
    socketTimeout: config.timeout_ms,
    dnsTimeout: config.timeout_ms,
    // The session's steps go to `progress` only (never printed), so a failure can say where it stopped.
    logger: progress.logger,
    transactionLog: true,
  });
}

/** Subject and both bodies, shared by `send` and `preview`. */
function mailContent(notification: AlertNotification, config: EmailConfig) {
  return { subject: subjectLine(notification, config.subject_prefix), text: renderText(notification), html: renderHtml(notification) };
}

/** Sends each notification as a multipart (plain text + HTML) mail over SMTP. */
export default function emailNotifier() {
  return defineNotifier<EmailConfig>({
    name: 'email',
    description: 'Email over SMTP (nodemailer), plain text and HTML',
    configSchema,
    secrets: ['password'],
    recipients: (config) => config.to,

    // The HTML part, as the recipient's mail program shows it; the SMTP password never is part of a message.
    preview(notification, config) {
      const { subject, html } = mailContent(notification, config);
      return { format: 'html', title: subject, body: html };
    },

    async send(notification, { config, logger, signal }) {
      const timeout = AbortSignal.timeout(config.timeout_ms);
      const progress = new SmtpProgress();
      const transport = createTransport(config, progress);
      try {
        const info = await transport.sendMail({
          from: config.from,
          to: notification.recipient ?? config.to,
          ...mailContent(notification, config),
          messageId: notificationMessageId(notification.notificationId, config.from),
          references: episodeThreadId(notification.episodeId, config.from),
          headers: {
            'X-Vigia-Notification-Id': notification.notificationId,
            'X-Vigia-Alert-Id': notification.alertId,
            // RFC 3834: tells vacation responders and ticket systems not to answer an alert.
            'Auto-Submitted': 'auto-generated',
          },
          signal: AbortSignal.any([signal, timeout]),
        });
        // The server took the message for the recipients it accepted; retrying would send them a
        // second copy, so refused recipients are reported rather than failing the delivery.
        if (info.rejected.length) logger.warn('SMTP server refused some recipients', { rejected: info.rejected });
        const refused = info.rejected.length ? `; refused: ${info.rejected.join(', ')}` : '';
        return { externalId: info.serverMessageId ?? info.messageId, detail: `${info.response}${refused}` };
      } catch (error) {
        throw classifySmtpError(error, { host: config.host, port: config.port, timeoutMs: config.timeout_ms, byHost: signal.aborted, byTimeout: timeout.aborted, progress });
      } finally {
        transport.close();
      }
    },
  });
}
