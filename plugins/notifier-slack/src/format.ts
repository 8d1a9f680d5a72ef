import type { Severity } from '@vigia/plugin-sdk';

export const severityEmoji: Record<Severity, string> = {
  info: ':information_source:',
  warning: ':warning:',
  critical: ':red_circle:',
  emergency: ':rotating_light:',
};

/** Slack treats only these three as markup in mrkdwn and plain text (its documented escaping). */
export const escapeMrkdwn = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
