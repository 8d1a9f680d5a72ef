import type { Responder } from '@vigia/testing';

/**
 * Answers the way Slack's incoming webhook does: `ok` with 200 for a message it accepts,
 * `invalid_payload` for a body that is not JSON, `invalid_blocks` for blocks over Block Kit limits,
 * `no_text` when there is neither text nor blocks.
 */
export const slackLike: Responder = (request) => {
  const answer = (status: number, body: string) => ({ status, headers: { 'content-type': 'text/html' }, body });
  let payload: { text?: unknown; blocks?: { type: string; text?: { text: string }; fields?: unknown[]; elements?: unknown[] }[] };
  try {
    payload = JSON.parse(request.body);
  } catch {
    return answer(400, 'invalid_payload');
  }
  if (!payload.text && !payload.blocks) return answer(400, 'no_text');
  for (const block of payload.blocks ?? []) {
    if (block.type === 'header' && (block.text?.text.length ?? 0) > 150) return answer(400, 'invalid_blocks');
    if ((block.fields?.length ?? 0) > 10 || (block.elements?.length ?? 0) > 25) return answer(400, 'invalid_blocks');
  }
  return answer(200, 'ok');
};
