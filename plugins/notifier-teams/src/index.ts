import { defineNotifier, httpAnswerOf, isPermanentError, jsonPreview, PermanentError, postOnce, RetryableError, type HttpAnswer } from '@vigia/plugin-sdk';
import { teamsMessage } from './card.ts';
import { configSchema, type TeamsConfig } from './config.ts';

/** Power Automate's error JSON (`{"error": {"code": "WorkflowNotFound", "message": …}}`) in words. */
function teamsErrorText(answer: HttpAnswer): string {
  try {
    const { error } = JSON.parse(answer.body) as { error?: { code?: unknown; message?: unknown } };
    if (error && typeof error.code === 'string') return `Teams: HTTP ${answer.status} ${error.code}${typeof error.message === 'string' ? `: ${error.message.slice(0, 200)}` : ''}`;
  } catch {
    // not JSON: fall through
  }
  return `Teams: HTTP ${answer.status}${answer.body.trim() ? ` ${answer.body.trim().slice(0, 200)}` : ''}`;
}

/** Posts each notification to a Teams channel or chat through a Workflows webhook, as an Adaptive Card. */
export default function teamsNotifier() {
  return defineNotifier<TeamsConfig>({
    name: 'teams',
    description: 'Microsoft Teams: Workflows (Power Automate) webhook, an Adaptive Card per notification styled by severity, with alert, acknowledge and runbook buttons',
    configSchema,
    secrets: ['url'],

    // The URL (with its sig) is the credential: the preview is the card only.
    preview: (notification) => jsonPreview(teamsMessage(notification), 'Workflows webhook: a message with an Adaptive Card'),

    async send(notification, { config, signal }) {
      try {
        const { status } = await postOnce({
          url: config.url,
          body: JSON.stringify(teamsMessage(notification)),
          headers: new Headers({ 'content-type': 'application/json', 'user-agent': 'Vigia-Teams/1' }),
          timeoutMs: config.timeout_ms,
          signal,
        });
        // A workflow answers 202: it has taken the card and posts it on its own time.
        return { detail: status === 202 ? 'accepted by the workflow' : `HTTP ${status}` };
      } catch (error) {
        const answer = httpAnswerOf(error);
        if (!answer) throw error;
        // The URL (with its sig) never appears in these messages: it is the credential.
        if (isPermanentError(error)) throw new PermanentError(teamsErrorText(answer), { cause: answer });
        throw new RetryableError(teamsErrorText(answer), (error as RetryableError).retryAfterMs, { cause: answer });
      }
    },
  });
}
