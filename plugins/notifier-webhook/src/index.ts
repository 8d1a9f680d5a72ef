import { defineNotifier, jsonPreview, type AlertNotification } from '@vigia/plugin-sdk';
import { alertmanagerPayload } from './alertmanager-payload.ts';
import { configSchema, type WebhookConfig } from './config.ts';
import { postOnce } from '@vigia/plugin-sdk';
import { signBody } from './signature.ts';
import { vigiaPayload } from './vigia-payload.ts';

function buildHeaders(config: WebhookConfig, notification: AlertNotification, body: string): Headers {
  // Headers is case-insensitive, so a configured "Content-Type" is replaced rather than doubled.
  const headers = new Headers(config.headers);
  headers.set('content-type', 'application/json');
  headers.set('user-agent', 'Vigia-Webhook/1');
  headers.set('x-vigia-notification-id', notification.notificationId);
  if (config.auth_token) headers.set('authorization', `Bearer ${config.auth_token}`);
  if (config.signing_secret) {
    const timestamp = String(Math.floor(Date.now() / 1000));
    headers.set('x-vigia-timestamp', timestamp);
    headers.set('x-vigia-signature', signBody(config.signing_secret, timestamp, body));
  }
  return headers;
}

const payloadOf = (notification: AlertNotification, config: WebhookConfig) => (config.format === 'alertmanager' ? alertmanagerPayload(notification) : vigiaPayload(notification));

/** POSTs each notification as JSON (Vigia's format or Alertmanager's), optionally signed. */
export default function webhookNotifier() {
  return defineNotifier<WebhookConfig>({
    name: 'webhook',
    description: 'JSON POST to an HTTP endpoint (Vigia or Alertmanager v4 format), bearer token and HMAC signature optional',
    configSchema,
    secrets: ['auth_token', 'signing_secret'],

    // The bearer token and the signature are headers, which the preview leaves out.
    preview: (notification, config) => jsonPreview(payloadOf(notification, config), config.format === 'alertmanager' ? 'Alertmanager v4 webhook body' : 'Vigia webhook body'),

    async send(notification, { config, signal }) {
      // Serialised once: the signature must cover exactly the bytes that go on the wire.
      const body = JSON.stringify(payloadOf(notification, config));
      const response = await postOnce({
        url: config.url,
        body,
        headers: buildHeaders(config, notification, body),
        timeoutMs: config.timeout_ms,
        signal,
      });
      return { detail: `HTTP ${response.status}` };
    },
  });
}
