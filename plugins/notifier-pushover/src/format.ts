import type { Severity } from '@vigia/plugin-sdk';

/** Pushover's HTML mode understands a few tags; everything from the alert is escaped. */
export const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export const severityColour: Record<Severity, string> = {
  info: '#1e88e5',
  warning: '#f9a825',
  critical: '#e53935',
  emergency: '#b71c1c',
};
export const RESOLVED_COLOUR = '#43a047';
