import { z } from 'zod';

export const configSchema = z.strictObject({
  /**
   * The URL of a Teams workflow started by "When a Teams webhook request is received" (Workflows
   * app or Power Automate). Its `sig` query parameter is the credential, so `url` is a secret.
   */
  url: z.url({ protocol: /^https?$/, error: (issue) => (issue.input === undefined ? 'required: the URL the workflow shows for its webhook trigger' : undefined) }),
  timeout_ms: z.number().int().positive().default(10_000),
});

export type TeamsConfig = z.infer<typeof configSchema>;
