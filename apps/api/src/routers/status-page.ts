import { operatorProcedure, protectedProcedure, router } from '../trpc.ts';
import { createIncident, createInput, postIncidentUpdate, updateInput } from '../status/incident-actions.ts';

const RECENT_MS = 30 * 86_400_000;

export const statusPageRouter = router({
  /** The page's settings as people inside see them: on or off, its components. */
  config: protectedProcedure.query(({ ctx }) => {
    const page = ctx.deps.config.statusPage;
    return { enabled: page.enabled, title: page.title, components: page.components.map((c) => ({ name: c.name, probe: c.probe ?? null, match: c.match ?? null })) };
  }),

  /** Open incidents and those resolved in the last 30 days, with their timelines (authors included). */
  incidents: protectedProcedure.query(({ ctx }) => ctx.deps.statusIncidents.list(new Date(Date.now() - RECENT_MS))),

  postUpdate: operatorProcedure.input(updateInput).mutation(({ ctx, input }) => postIncidentUpdate(ctx.deps, ctx.principal.username, input)),

  create: operatorProcedure.input(createInput).mutation(({ ctx, input }) => createIncident(ctx.deps, ctx.principal.username, input)),
});
