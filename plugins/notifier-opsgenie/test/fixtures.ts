import type { AlertNotification, Logger } from '@vigia/plugin-sdk';

export const quietLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

export const notification: AlertNotification = {
  notificationId: 'ntf-ep7-new-og-1',
  reason: 'new',
  status: 'firing',
  alertId: 'alt-42',
  episodeId: 'ep-7',
  rule: 'High CPU Usage',
  severity: 'critical',
  metric: 'cpu_usage',
  unit: '%',
  labels: { host: 'a', note: '<b>x</b> & "co"' },
  value: 93.456789,
  threshold: 90,
  operator: '>',
  startedAt: '2026-01-15T10:00:00.000Z',
  durationSeconds: 3725,
  summary: 'CPU usage above 90% on a',
  description: 'Sustained CPU load; check the batch jobs.',
  runbookUrl: 'https://runbooks.example.com/cpu',
  links: {
    alert: 'https://vigia.example.com/alerts/alt-42',
    acknowledge: 'https://vigia.example.com/act/signed-ack',
    silence: 'https://vigia.example.com/act/signed-silence',
  },
  channel: 'og',
  vigiaUrl: 'https://vigia.example.com',
};

export async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the send to fail');
}
