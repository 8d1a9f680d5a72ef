import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { INCIDENT_STATUSES } from '@vigia/core';
import { IncidentError } from '@vigia/db';
import { audit } from '../audit.ts';
import type { ApiDeps } from '../deps.ts';

export const updateInput = z.object({
  incidentId: z.number().int().positive(),
  status: z.enum(INCIDENT_STATUSES),
  message: z.string().trim().min(1, 'write what the public should read').max(5_000),
});

export const createInput = z.object({
  title: z.string().trim().min(1).max(200),
  impact: z.enum(['major', 'degraded', 'none']),
  components: z.array(z.string()).max(100).default([]),
  status: z.enum(INCIDENT_STATUSES).exclude(['resolved']).default('investigating'),
  message: z.string().trim().min(1, 'write what the public should read').max(5_000),
});

/** Posts to an incident's public timeline (people: dashboard, API, Slack); `resolved` closes it. */
export async function postIncidentUpdate(deps: ApiDeps, actor: string, input: z.infer<typeof updateInput>) {
  try {
    const row = await deps.statusIncidents.postUpdate(input.incidentId, { status: input.status, message: input.message, author: actor });
    await audit(deps, actor, 'status_incident.update', { type: 'status_incident', id: input.incidentId }, { status: input.status });
    void deps.statusPage?.rebuild();
    return row;
  } catch (error) {
    if (error instanceof IncidentError) throw new TRPCError({ code: error.code, message: error.message });
    throw error;
  }
}

/** An incident a person opens (not tied to an alert); it stays open until someone resolves it. */
export async function createIncident(deps: ApiDeps, actor: string, input: z.infer<typeof createInput>) {
  const known = new Set(deps.config.statusPage.components.map((c) => c.name));
  const unknown = input.components.filter((c) => !known.has(c));
  if (unknown.length)
    throw new TRPCError({ code: 'BAD_REQUEST', message: `no status page component named ${unknown.map((c) => JSON.stringify(c)).join(', ')} (status_page.components in monitoring.yaml)` });
  const row = await deps.statusIncidents.open({ ...input, automatic: false, createdBy: actor });
  await audit(deps, actor, 'status_incident.create', { type: 'status_incident', id: row.id }, { impact: input.impact });
  void deps.statusPage?.rebuild();
  return row;
}
