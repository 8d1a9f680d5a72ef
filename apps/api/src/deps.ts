import type { Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import type { RuleSpec } from '@vigia/core';
import type { AlertEvent, AlertStore, Escalations } from '@vigia/alerting';
import type { VigiaConfig } from '@vigia/config';
import type { HistoryStore, RejectionCounters, StatusIncidents, Store } from '@vigia/db';
import type { CollectorHealthBoard, LiveFeed, NotifyPayload, RedisKeys, SampleReader, SampleWriter, SeriesGuard, StreamFeed } from '@vigia/live';
import type { AppLogger } from '@vigia/log';
import type { AuthService } from '@vigia/auth';
import type { Notifier } from '@vigia/plugin-sdk';
import type { LoginLimiter } from './auth/login-limiter.ts';
import type { StatusPageCache } from './status/status-page-cache.ts';

/** What the API's procedures and routes use; built once in api.ts and handed to each request. */
export interface ApiDeps {
  config: VigiaConfig;
  store: Store;
  history: HistoryStore;
  redis: Redis;
  keys: RedisKeys;
  reader: SampleReader;
  writer: SampleWriter;
  /** Series limits (config `limits:`), on every ingest path. */
  guard: SeriesGuard;
  /** vigia_ingest_rejected_total, kept in PostgreSQL. */
  rejections: RejectionCounters;
  feed: LiveFeed;
  health: CollectorHealthBoard;
  alerts: AlertStore;
  alertFeed: StreamFeed<AlertEvent>;
  rules: RuleSpec[];
  notifyQueue: Queue<NotifyPayload>;
  notifyEvents: QueueEvents;
  escalations: Escalations;
  auth: AuthService;
  /** SECRET_KEY: signs session cookies and the action links in messages. */
  secretKey: string;
  loginLimiter: LoginLimiter;
  logger: AppLogger;
  startedAt: number;
  /** Live subscriptions open on this process, for /metrics. */
  liveSubscribers: { count: number };
  statusIncidents: StatusIncidents;
  /** The public page's cache; null while status_page.enabled is false. */
  statusPage: StatusPageCache | null;
  /** The notifier plugins by name, loaded at start for their inbound routes and message previews (the worker sends). */
  notifiers: Map<string, Notifier<unknown>>;
}
