/**
 * What a notifier would send for a notification, shown in the dashboard's channel preview. It is
 * the request body in the medium's own format (the Adaptive Card, the Events API event, the
 * e-mail's HTML), never the URL or headers: those carry the credentials.
 */
export interface MessagePreview {
  /** How the dashboard shows `body`: JSON pretty-printed, plain text, or HTML source/rendered. */
  format: 'json' | 'text' | 'html';
  /** A subject line, or what the body is ("Events API v2 event", "SMS"). */
  title?: string;
  body: string;
}

/** What stands in for a secret that a payload carries in its body (a routing key, an app token). */
export const MASKED = '***';

/** A JSON payload as the preview shows it: pretty-printed, otherwise exactly what is posted. */
export function jsonPreview(payload: unknown, title?: string): MessagePreview {
  return { format: 'json', ...(title ? { title } : {}), body: JSON.stringify(payload, null, 2) };
}
