import type { ReceivedRequest, ScriptedResponse } from '@vigia/testing';

export const TOKEN = '123456789:AAtestTOKENsecretXYZ';
export const CHAT_ID = -1001234567890;
/** A person's private chat with the bot (their user id): where a page of one on-call person goes. */
export const PERSON_CHAT_ID = 123456789;

const json = (status: number, body: unknown): ScriptedResponse => ({ status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const refuse = (status: number, description: string, parameters?: Record<string, number>) => json(status, { ok: false, error_code: status, description, ...(parameters ? { parameters } : {}) });

/** Telegram's HTML mode: only these tags, only these named entities; anything else fails the whole message. */
function htmlProblem(text: string): string | undefined {
  const open: string[] = [];
  for (const match of text.matchAll(/<(\/?)([a-z-]+)([^>]*)>|<|&(#?\w+);|&/g)) {
    const [whole, closing, tag, , entity] = match;
    if (whole === '<') return "can't parse entities: unsupported start tag";
    if (whole === '&') return "can't parse entities: stray &";
    if (entity !== undefined) {
      if (!['lt', 'gt', 'amp', 'quot'].includes(entity)) return `can't parse entities: unsupported entity &${entity};`;
      continue;
    }
    if (!['b', 'i', 'u', 's', 'code', 'pre', 'a', 'blockquote'].includes(tag!)) return `can't parse entities: unsupported start tag "${tag}"`;
    if (closing) {
      if (open.pop() !== tag) return `can't parse entities: can't find end tag corresponding to start tag "${tag}"`;
    } else open.push(tag!);
  }
  return open.length ? `can't parse entities: can't find end tag corresponding to start tag "${open.at(-1)}"` : undefined;
}

let nextMessageId = 100;

/** Answers sendMessage the way the Bot API does (https://core.telegram.org/bots/api#sendmessage). */
export function telegramLike(req: ReceivedRequest): ScriptedResponse {
  const match = /^\/bot([^/]+)\/(\w+)$/.exec(req.path);
  if (req.method !== 'POST' || !match) return refuse(404, 'Not Found');
  if (match[1] !== TOKEN) return refuse(401, 'Unauthorized');
  if (match[2] !== 'sendMessage') return refuse(404, 'Not Found: method not found');
  if (!String(req.headers['content-type']).startsWith('application/json')) return refuse(400, 'Bad Request: message text is empty');
  const body = JSON.parse(req.body) as { chat_id: unknown; message_thread_id?: number; text?: string; parse_mode?: string; reply_markup?: { inline_keyboard: { text: string; url: string }[][] } };
  if (body.chat_id !== CHAT_ID && body.chat_id !== PERSON_CHAT_ID) return refuse(400, 'Bad Request: chat not found');
  if (body.chat_id === PERSON_CHAT_ID && body.message_thread_id !== undefined) return refuse(400, 'Bad Request: message thread not found');
  if (!body.text) return refuse(400, 'Bad Request: message text is empty');
  if (body.text.length > 4096) return refuse(400, 'Bad Request: message is too long');
  const problem = body.parse_mode === 'HTML' ? htmlProblem(body.text) : undefined;
  if (problem) return refuse(400, `Bad Request: ${problem}`);
  for (const button of body.reply_markup?.inline_keyboard.flat() ?? []) {
    if (!/^https?:\/\/[^/]*\./.test(button.url)) return refuse(400, 'Bad Request: BUTTON_URL_INVALID');
  }
  return json(200, {
    ok: true,
    result: { message_id: nextMessageId++, chat: body.chat_id === CHAT_ID ? { id: CHAT_ID, type: 'supergroup' } : { id: PERSON_CHAT_ID, type: 'private' }, date: 1768471200, text: body.text },
  });
}

export const telegramRefusal = refuse;
