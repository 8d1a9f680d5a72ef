import { formatIssues } from '@vigia/config';
import { messageContext, renderTemplate, type AlertNotification } from '@vigia/core';
import { MASKED, type MessagePreview, type Notifier } from '@vigia/plugin-sdk';
import { secretValues } from './channels.ts';

export interface ChannelMessagePreview {
  /** The channel's template from monitoring.yaml, if it has one. */
  template: string | null;
  /** The template rendered for the notification (what notifiers show instead of their own wording). */
  message: string | null;
  /** What the notifier would post, in its medium's format; null when its plugin has no `preview`. */
  rendered: MessagePreview | null;
  /** Why there is no `rendered` although the plugin could give one (its settings do not validate). */
  renderError: string | null;
}

// Too short to be told apart from ordinary words in a message: never masked, and never a real credential.
const SHORTEST_MASKED_SECRET = 6;

/**
 * A notification with links where each recipient's signed ones would be: a preview must not hand
 * out a working acknowledge link, yet should show the buttons the message carries.
 */
export function withPreviewLinks(n: AlertNotification): AlertNotification {
  if (n.status !== 'firing' || !['new', 'repeat', 'escalated'].includes(n.reason)) return n;
  return { ...n, links: { ...n.links, acknowledge: `${n.vigiaUrl}/act/signed-per-recipient`, silence: `${n.vigiaUrl}/act/signed-per-recipient` } };
}

/** A made-up firing alert, to preview a channel before any alert has fired. */
export function sampleAlertNotification(channel: string, vigiaUrl: string, now: number): AlertNotification {
  return {
    notificationId: `preview.${channel}`,
    reason: 'new',
    status: 'firing',
    alertId: 'sample',
    episodeId: 'sample',
    rule: 'Sample: CPU usage high',
    severity: 'critical',
    metric: 'cpu_usage',
    unit: '%',
    labels: { host: 'web-1' },
    value: 93.5,
    threshold: 90,
    operator: '>',
    startedAt: new Date(now - 300_000).toISOString(),
    durationSeconds: 300,
    summary: 'CPU usage is 93.5% on web-1 (a sample alert: none has fired yet)',
    links: { alert: `${vigiaUrl}/alerts` },
    channel,
    vigiaUrl,
  };
}

/** Any secret value that slipped into the text becomes ***: a last guard behind each plugin's own care. */
function masked(preview: MessagePreview, secrets: string[]): MessagePreview {
  const hide = (text: string) => secrets.reduce((out, secret) => out.split(secret).join(MASKED), text);
  return { format: preview.format, ...(preview.title !== undefined ? { title: hide(preview.title) } : {}), body: hide(preview.body) };
}

/**
 * What a channel would send for a notification, built by its notifier's `preview` from the same
 * settings and template the worker uses, without sending anything.
 */
export function previewChannelMessage(name: string, settings: Record<string, unknown>, notifier: Notifier<unknown> | undefined, notification: AlertNotification): ChannelMessagePreview {
  const { type: _type, enabled: _enabled, template, ...options } = settings;
  const own = typeof template === 'string' ? template : null;
  const message = own ? renderTemplate(own, messageContext(notification)) : null;
  const result: ChannelMessagePreview = { template: own, message, rendered: null, renderError: null };
  if (!notifier?.preview) return result;
  const parsed = notifier.configSchema ? notifier.configSchema.safeParse(options) : { success: true as const, data: options };
  if (!parsed.success)
    return {
      ...result,
      renderError: formatIssues(parsed.error.issues, options)
        .map((p) => `channels.${name}.${p}`)
        .join('; '),
    };
  const secrets = secretValues(options, notifier.secrets).filter((s) => s.length >= SHORTEST_MASKED_SECRET);
  try {
    const rendered = notifier.preview({ ...notification, ...(message !== null ? { message } : {}) }, parsed.data);
    return { ...result, rendered: masked(rendered, secrets) };
  } catch (error) {
    // Plugins may echo settings in their errors: masked like the preview itself.
    return { ...result, renderError: masked({ format: 'text', body: (error as Error).message }, secrets).body };
  }
}
