import { builtInCollectors } from './collector-plugins.ts';

/**
 * monitoring.yaml for the scaling benchmark: no built-in collector, no rule and no collector-down
 * alert, so that what is measured is the work the benchmark feeds in; `extra` adds to it.
 */
export function quietYaml(extra: { collectors?: string[]; top?: string[] } = {}): string {
  return [
    'collectors:',
    ...builtInCollectors().map((n) => `  ${n}: { enabled: false }`),
    ...(extra.collectors ?? []),
    'alerts:',
    '  collector_down: { enabled: false }',
    ...(extra.top ?? []),
    '',
  ].join('\n');
}
