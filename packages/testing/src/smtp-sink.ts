import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createConnection, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './free-port.ts';
import { waitFor } from './wait.ts';

export interface ReceivedMail {
  mail_from: string;
  rcpt_tos: string[];
  /** Lower-cased header names, decoded values. */
  headers: Record<string, string>;
  content_types: string[];
  text: string | null;
  html: string | null;
}

const here = dirname(fileURLToPath(import.meta.url));

/** True once something on the port answers with an SMTP greeting. */
function greets(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.setTimeout(1000);
    socket.once('data', (data) => {
      socket.end('QUIT\r\n');
      resolve(data.toString().startsWith('220'));
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/** A real SMTP server (aiosmtpd) that stores what it accepts as JSON files. */
export async function startSmtpSink() {
  const outDir = mkdtempSync(join(tmpdir(), 'vigia-smtp-sink-'));
  const port = await freePort();
  const child: ChildProcess = spawn('/usr/bin/python3', ['-m', 'aiosmtpd', '-n', '-l', `127.0.0.1:${port}`, '-c', 'smtp_sink.JsonSink', outDir], {
    env: { ...process.env, PYTHONPATH: here, PYTHONDONTWRITEBYTECODE: '1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  let exited = false;
  child.once('exit', () => (exited = true));
  await waitFor(
    async () => {
      if (exited) throw new Error(`aiosmtpd exited: ${stderr}`);
      return greets(port);
    },
    { what: 'aiosmtpd to accept connections', timeoutMs: 15_000 },
  );

  const readAll = (): ReceivedMail[] =>
    readdirSync(outDir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => JSON.parse(readFileSync(join(outDir, f), 'utf8')) as ReceivedMail);

  return {
    port,
    /** Waits for the mail carrying this X-Vigia-Notification-Id. */
    mailFor: (notificationId: string) => waitFor(() => readAll().find((m) => m.headers['x-vigia-notification-id'] === notificationId), { what: `mail ${notificationId}`, timeoutMs: 15_000 }),
    all: readAll,
    async stop() {
      if (!exited) {
        const gone = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await gone;
      }
      rmSync(outDir, { recursive: true, force: true });
    },
  };
}

/** Accepts TCP connections and never says a word: an SMTP server that hangs before its greeting. */
export async function startSilentServer() {
  const sockets: Socket[] = [];
  const closed: Socket[] = [];
  const server: Server = createServer((socket) => {
    sockets.push(socket);
    socket.on('close', () => closed.push(socket));
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    connections: () => sockets.length,
    /** Connections the client has given up on. */
    dropped: () => closed.length,
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
