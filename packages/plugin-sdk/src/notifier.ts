import type { z } from 'zod';
import type { AlertNotification, Logger } from '@vigia/core';
import type { InboundContext, InboundRoute } from './inbound.ts';
import type { MessagePreview } from './message-preview.ts';
// The notification is a value the host builds and stores, so it lives in core; notifiers see it here.
export type { AlertNotification, AlertStatus, NotificationReason } from '@vigia/core';

export interface NotifierContext<Config> {
  config: Config;
  logger: Logger;
  signal: AbortSignal;
}

export interface DeliveryReceipt {
  /** Anything the receiver returned that identifies the message (e.g. SMTP message id). */
  externalId?: string;
  detail?: string;
}

/**
 * A notifier sends one notification and returns (delivered), or throws a RetryableError or a
 * PermanentError. Any other exception counts as retryable. Notifiers never touch the database.
 */
export interface Notifier<Config = Record<string, unknown>> {
  name: string;
  description?: string;
  configSchema?: z.ZodType<Config>;
  /** Keys of the config that hold secrets: redacted wherever config is shown. */
  secrets?: string[];
  init?(ctx: { config: Config; logger: Logger }): void | Promise<void>;
  /**
   * The people a channel reaches, when it can address them one by one (email). The host then
   * delivers one copy per recipient, each with its own signed links, and never sends a
   * recipient the same message twice.
   */
  recipients?(config: Config): string[];
  send(notification: AlertNotification, ctx: NotifierContext<Config>): Promise<DeliveryReceipt | void>;
  /**
   * What `send` would post for this notification, without sending anything: the dashboard's
   * channel preview. Build it with the same function `send` uses, so the two cannot drift apart.
   * Show the body only; a secret the body itself carries (a routing key, an app token) is
   * replaced by MASKED. Optional: without it the preview shows the channel's template or fields.
   */
  preview?(notification: AlertNotification, config: Config): MessagePreview;
  /**
   * Routes the service posts back to (buttons, slash commands), mounted by the API under
   * `/api/integrations/<name>/` whether or not a channel uses the notifier. Called once at start.
   */
  inboundRoutes?(ctx: InboundContext): InboundRoute[];
  close?(): void | Promise<void>;
}

export function defineNotifier<Config = Record<string, unknown>>(notifier: Notifier<Config>): Notifier<Config> {
  return notifier;
}
