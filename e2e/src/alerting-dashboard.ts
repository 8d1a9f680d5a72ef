import type { Browser } from 'playwright-core';
import { startHttpReceiver, type HttpReceiver } from '@vigia/testing';
import { startDashboard } from './browser.ts';
import { feedSamples } from './sample-feed.ts';
import type { Stack } from './stack.ts';

/** The rule the dashboard's alerting tests fire: test_value over 10 for a second, sent to `hook`. */
export const TEST_RULE = 'Test Value High';

/**
 * TEST_RULE as written under `alerts.rules:`: test_value over 10 for `forDuration`, critical,
 * sent to the `hook` channel, with a summary annotation unless `summary` is false.
 */
export function testRuleYaml(forDuration = '1s', summary = true): string {
  const annotations = summary ? `      annotations:\n        summary: "test_value is {{ value }} on {{ labels.host }}"\n` : '';
  return `    - name: ${TEST_RULE}
      metric: test_value
      operator: ">"
      threshold: 10
      for: ${forDuration}
      severity: critical
      channels: [hook]
${annotations}`;
}

export interface AlertingDashboardYaml {
  /** The `hook` channel's message template, when the test reads what it sent. */
  hookTemplate?: string;
  /** More channels, written as they go under `channels:` (two spaces in). */
  channels?: string;
  /** More top-level sections (maintenance_windows, slos, oncall…). */
  extra?: string;
}

/**
 * monitoring.yaml for a dashboard test about alerts: only the system collector, every second (the
 * overview has figures to show, and nothing else runs), quick evaluation and delivery, and
 * TEST_RULE delivered to the webhook at `hookUrl`/hook.
 */
export function alertingDashboardYaml(hookUrl: string, options: AlertingDashboardYaml = {}): string {
  const template = options.hookTemplate ? `    template: ${JSON.stringify(options.hookTemplate)}\n` : '';
  return `collectors:
  system: { interval: 1s }
  api: { enabled: false }
  business: { enabled: false }
  custom: { enabled: false }
  postgres: { enabled: false }
  redis: { enabled: false }
alerts:
  evaluation_interval: 300ms
  collector_down: { enabled: false }
  delivery: { backoff: 100ms, timeout: 2s }
  rules:
${testRuleYaml()}channels:
  hook:
    type: webhook
    url: ${hookUrl}/hook
${template}${options.channels ?? ''}${options.extra ?? ''}`;
}

export interface AlertingDashboard {
  stack: Stack;
  browser: Browser;
  /** The webhook receiver behind the `hook` channel. */
  hook: HttpReceiver;
  stop(): Promise<void>;
}

/**
 * A stack serving the dashboard with its `hook` receiver, a browser, and test_value{host="a"} fed
 * every 250 ms at what `value` says (over 10 fires TEST_RULE). `yaml` is given the receiver's URL;
 * alertingDashboardYaml's by default.
 */
export async function startAlertingDashboard(value: () => number, yaml: (hookUrl: string) => string = alertingDashboardYaml): Promise<AlertingDashboard> {
  const hook = await startHttpReceiver();
  let started: { stack: Stack; browser: Browser };
  try {
    started = await startDashboard({ yaml: yaml(hook.url) });
  } catch (error) {
    await hook.close();
    throw error;
  }
  const { stack, browser } = started;
  const feed = feedSamples(stack.prefix, () => [{ name: 'test_value', labels: { host: 'a' }, value: value() }], 250);
  return {
    stack,
    browser,
    hook,
    async stop() {
      await feed.stop();
      await browser.close();
      await stack.stop();
      await hook.close();
    },
  };
}
