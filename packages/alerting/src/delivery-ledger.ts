import { getTableColumns, sql } from 'drizzle-orm';
import { deliveries, notifications, type Database } from '@vigia/db';

export interface DeliveredCopy {
  notificationId: string;
  recipient: string | null;
  externalId: string | null;
}

export interface LedgerAttempt {
  recipient: string | null;
  outcome: 'delivered' | 'retryable' | 'permanent';
  durationMs: number;
  error?: string;
  externalId?: string;
}

/**
 * Every delivery job reads its notification and writes one ledger entry, thousands a minute in a
 * storm: each is one round trip, and the read is a prepared statement (built once per database,
 * parsed once per connection) rather than a query rebuilt by the ORM every time.
 */
function readStatement(db: Database) {
  return db
    .select({
      ...getTableColumns(notifications),
      // Copies already delivered for this alert on this channel, newest first: recipients an
      // earlier attempt served, and the receiver's id of the last message (edited in place).
      // Columns are qualified by hand: inside a selection the ORM leaves them bare, and a bare
      // alert_id here would be the subquery's own.
      delivered: sql<
        DeliveredCopy[]
      >`(SELECT coalesce(json_agg(json_build_object('notificationId', d.notification_id, 'recipient', d.recipient, 'externalId', d.external_id) ORDER BY d.id DESC), '[]'::json)
        FROM deliveries d WHERE d.alert_id = notifications.alert_id AND d.channel = notifications.channel AND d.outcome = 'delivered')`,
    })
    .from(notifications)
    .where(sql`${notifications.id} = ${sql.placeholder('id')}`)
    .prepare('vigia_delivery_read');
}

const prepared = new WeakMap<Database, ReturnType<typeof readStatement>>();

export async function readNotification(db: Database, id: string) {
  let statement = prepared.get(db);
  if (!statement) prepared.set(db, (statement = readStatement(db)));
  const [row] = await statement.execute({ id });
  return row;
}

/**
 * The ledger rows of one attempt and, when given, the notification's new counters and state, in
 * one statement (so in one implicit transaction: readers never see one without the other).
 */
export async function recordAttempts(
  db: Database,
  notification: { id: string; alertId: string; channel: string; attempt: number },
  rows: LedgerAttempt[],
  outcome?: { state: 'delivered' | 'failed' | null; error: string | null },
): Promise<void> {
  const values = rows.map(
    (a) =>
      sql`(${notification.id}, ${notification.alertId}, ${notification.channel}, ${a.recipient}, ${notification.attempt}, ${a.outcome}, ${a.error ?? null}, ${a.durationMs}, ${a.externalId ?? null})`,
  );
  const insert = values.length
    ? sql`INSERT INTO ${deliveries} (notification_id, alert_id, channel, recipient, attempt, outcome, error, duration_ms, external_id) VALUES ${sql.join(values, sql`, `)}`
    : undefined;
  if (!outcome) {
    if (insert) await db.execute(insert);
    return;
  }
  const finished = outcome.state ? sql`, state = ${outcome.state}, finished_at = now()` : sql``;
  const update = sql`UPDATE ${notifications} SET attempts = attempts + 1, last_error = ${outcome.error}${finished} WHERE id = ${notification.id}`;
  await db.execute(insert ? sql`WITH ledger AS (${insert}) ${update}` : update);
}
