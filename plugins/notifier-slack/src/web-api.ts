import { PermanentError, RetryableError, type AlertNotification } from '@vigia/plugin-sdk';
import type { SlackConfig } from './config.ts';
import { postOnce } from '@vigia/plugin-sdk';
import { slackMessage } from './message.ts';

// Web API errors that will not go away by retrying; anything else (ratelimited, internal_error,
// fatal_error, service_unavailable…) is worth another attempt.
const PERMANENT = new Set([
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'no_permission',
  'missing_scope',
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'invalid_blocks',
  'invalid_arguments',
  'msg_too_long',
  'no_text',
  'restricted_action',
  'cant_update_message',
  'edit_window_closed',
]);

async function call(config: SlackConfig, method: string, payload: Record<string, unknown>, signal: AbortSignal): Promise<Record<string, unknown>> {
  const response = await postOnce({
    url: `${config.api_url.replace(/\/$/, '')}/${method}`,
    body: JSON.stringify(payload),
    headers: new Headers({ 'content-type': 'application/json; charset=utf-8', authorization: `Bearer ${config.bot_token}`, 'user-agent': 'Vigia-Slack/1' }),
    timeoutMs: config.timeout_ms,
    signal,
  });
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(response.body) as Record<string, unknown>;
  } catch {
    throw new RetryableError(`Slack ${method} answered something that is not JSON`);
  }
  if (body.ok === true) return body;
  const error = String(body.error ?? 'unknown_error');
  if (error === 'message_not_found') return body;
  throw PERMANENT.has(error) ? new PermanentError(`Slack ${method}: ${error}`) : new RetryableError(`Slack ${method}: ${error}`);
}

/** The chat.postMessage body for an alert's first message (a page of one person: their member id). */
export function postMessageBody(n: AlertNotification, config: SlackConfig) {
  const { text, blocks } = slackMessage(n, config);
  return { channel: n.recipient ?? config.channel, text, blocks, username: config.username, icon_emoji: config.icon_emoji };
}

/**
 * With a bot token: the first message about an alert is posted (chat.postMessage) and its
 * channel and timestamp become the receipt; every later one edits it in place (chat.update),
 * so the channel shows each alert once, in its current state. A page of one on-call person names
 * their Slack member id as recipient: chat.postMessage to a member id lands in their DM with the app.
 */
export async function sendWithBot(n: AlertNotification, config: SlackConfig, signal: AbortSignal): Promise<{ externalId: string; detail: string }> {
  const { text, blocks } = slackMessage(n, config);
  const [channel, ts] = n.previousExternalId?.split('|') ?? [];
  if (channel && ts) {
    const updated = await call(config, 'chat.update', { channel, ts, text, blocks }, signal);
    if (updated.ok === true) return { externalId: `${channel}|${ts}`, detail: 'updated in place' };
    // The message was deleted in Slack: post a new one.
  }
  const posted = await call(config, 'chat.postMessage', postMessageBody(n, config), signal);
  if (posted.ok !== true) throw new PermanentError(`Slack chat.postMessage: ${String(posted.error)}`);
  return { externalId: `${String(posted.channel)}|${String(posted.ts)}`, detail: 'posted' };
}
