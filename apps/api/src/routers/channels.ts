import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { buildNotification, previewChannelMessage, readChannels, sampleAlertNotification, withPreviewLinks } from '@vigia/alerting';
import { QUEUES } from '@vigia/live';
import { adminProcedure, protectedProcedure, router } from '../trpc.ts';

export const channelsRouter = router({
  /**
   * What the channel would send about this alert now (a sample alert without `alertId`): the
   * payload its notifier's `preview` builds in the medium's format, secrets masked, with the
   * template rendered (fields: MESSAGE_FIELDS in @vigia/core) and the notification every channel
   * receives, for plugins without `preview`. Nothing is sent.
   */
  preview: protectedProcedure.input(z.object({ channel: z.string().min(1), alertId: z.string().min(1).optional() })).query(async ({ ctx, input }) => {
    const settings = ctx.deps.config.channels[input.channel] as Record<string, unknown> | undefined;
    if (!settings) throw new TRPCError({ code: 'NOT_FOUND', message: `no channel named ${input.channel}` });
    const vigiaUrl = ctx.deps.config.server.publicUrl;
    let notification;
    if (input.alertId) {
      const found = await ctx.deps.alerts.get(input.alertId);
      if (!found) throw new TRPCError({ code: 'NOT_FOUND', message: `no alert ${input.alertId}` });
      const { alert } = found;
      const reason = alert.status === 'resolved' ? 'resolved' : alert.status === 'acknowledged' ? 'acknowledged' : 'new';
      notification = withPreviewLinks(buildNotification(alert, reason, 0, input.channel, { vigiaUrl, now: Date.now() }));
    } else {
      notification = withPreviewLinks(sampleAlertNotification(input.channel, vigiaUrl, Date.now()));
    }
    const type = typeof settings.type === 'string' ? settings.type : input.channel;
    const preview = previewChannelMessage(input.channel, settings, ctx.deps.notifiers.get(type), notification);
    return { channel: input.channel, type, sample: !input.alertId, ...preview, notification };
  }),

  /** The channels as the workers loaded them; secrets are replaced by *** before they leave the worker. */
  list: protectedProcedure.query(({ ctx }) => readChannels(ctx.deps.redis, ctx.deps.keys)),

  /** Sends a test notification through the channel (via a worker) and waits for the outcome. */
  test: adminProcedure.input(z.object({ name: z.string().min(1) })).mutation(async ({ ctx, input }) => {
    const channels = await readChannels(ctx.deps.redis, ctx.deps.keys);
    const channel = channels.find((c) => c.name === input.name);
    if (!channel) throw new TRPCError({ code: 'NOT_FOUND', message: `no channel named ${input.name}` });
    if (!channel.enabled) throw new TRPCError({ code: 'PRECONDITION_FAILED', message: `channel ${input.name} is disabled` });
    const job = await ctx.deps.notifyQueue.add(
      'test',
      { test: { channel: input.name, requestedBy: ctx.principal.username } },
      { ...QUEUES.notify.jobOptions, attempts: 1, jobId: `test.${Date.now()}.${Math.random().toString(36).slice(2, 8)}.${input.name}` },
    );
    try {
      const result = (await job.waitUntilFinished(ctx.deps.notifyEvents, 30_000)) as { delivered: boolean; detail?: string };
      return { delivered: result.delivered, detail: result.detail ?? null, error: null };
    } catch (error) {
      return { delivered: false, detail: null, error: (error as Error).message };
    }
  }),
});
