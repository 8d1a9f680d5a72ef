import type { ActionDeps } from '@vigia/alerting';
import type { ApiDeps } from './deps.ts';

/** What a person's action on an alert needs, wherever it comes from (UI, REST, link, Slack). */
export function actionDeps(deps: ApiDeps): ActionDeps {
  return { store: deps.alerts, rules: deps.rules, config: deps.config, redis: deps.redis, keys: deps.keys, escalations: deps.escalations };
}
