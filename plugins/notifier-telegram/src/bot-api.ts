import { httpAnswerOf, isPermanentError, PermanentError, postOnce, RetryableError } from '@vigia/plugin-sdk';
import type { TelegramConfig } from './config.ts';

/** What the Bot API answers, success or not (https://core.telegram.org/bots/api#making-requests). */
interface BotAnswer {
  ok: boolean;
  result?: { message_id?: number; chat?: { id?: number | string } };
  error_code?: number;
  description?: string;
  parameters?: { retry_after?: number; migrate_to_chat_id?: number };
}

/** Telegram refused an inline-keyboard button (its URL), not the message: worth sending again without buttons. */
export class ButtonRefused extends PermanentError {}

function parse(body: string): BotAnswer | undefined {
  try {
    return JSON.parse(body) as BotAnswer;
  } catch {
    return undefined;
  }
}

/**
 * Re-words a failed call with Telegram's own description and its flood-control delay
 * (`parameters.retry_after`, in the body rather than a header). The URL holds the token, so it
 * never appears in a message.
 */
function explain(error: unknown, method: string): unknown {
  const answer = httpAnswerOf(error);
  const said = answer && parse(answer.body);
  if (!answer || !said?.description) return error;
  const text = `Telegram ${method}: ${said.description} (HTTP ${answer.status})`;
  if (!isPermanentError(error)) {
    const wait = said.parameters?.retry_after;
    return new RetryableError(text, typeof wait === 'number' ? wait * 1000 : (error as RetryableError).retryAfterMs, { cause: answer });
  }
  const moved = said.parameters?.migrate_to_chat_id;
  if (moved !== undefined) return new PermanentError(`Telegram ${method}: the group became a supergroup; set chat_id to ${moved}`, { cause: answer });
  if (answer.status === 400 && /button|BUTTON_/i.test(said.description)) return new ButtonRefused(text, { cause: answer });
  if (answer.status === 401) return new PermanentError(`${text}: the bot token is wrong or was revoked`, { cause: answer });
  return new PermanentError(text, { cause: answer });
}

export async function callBotApi(config: TelegramConfig, method: string, payload: Record<string, unknown>, signal: AbortSignal): Promise<BotAnswer> {
  let body: string;
  try {
    ({ body } = await postOnce({
      url: `${config.url.replace(/\/$/, '')}/bot${config.token}/${method}`,
      body: JSON.stringify(payload),
      headers: new Headers({ 'content-type': 'application/json; charset=utf-8', 'user-agent': 'Vigia-Telegram/1' }),
      timeoutMs: config.timeout_ms,
      signal,
    }));
  } catch (error) {
    throw explain(error, method);
  }
  const answer = parse(body);
  if (!answer) throw new RetryableError(`Telegram ${method} answered something that is not JSON`);
  if (!answer.ok) throw new PermanentError(`Telegram ${method}: ${answer.description ?? 'refused'}`);
  return answer;
}
