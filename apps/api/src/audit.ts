import { auditEvents } from '@vigia/db';
import type { ApiDeps } from './deps.ts';

/** Records a human action (who, what, on what) for the audit log. */
export async function audit(deps: ApiDeps, actor: string, action: string, target: { type: string; id: string | number }, detail?: Record<string, unknown>): Promise<void> {
  await deps.store.db.insert(auditEvents).values({ actor, action, targetType: target.type, targetId: String(target.id), detail: detail ?? null });
}
