// A notifier's inbound routes: what a chat service posts back (buttons, slash commands). The shapes
// are free of any HTTP framework so a plugin depends on the SDK alone and is tested with plain
// objects; the host mounts each route and hands it the few actions it may take.
import type { IncidentStatus, Logger } from '@vigia/core';

export { INCIDENT_STATUSES, type IncidentStatus } from '@vigia/core';

export interface InboundRequest {
  /** Header names in lower case. */
  headers: Readonly<Record<string, string | undefined>>;
  /** The body exactly as it arrived, whatever its content type: signatures cover these bytes. */
  rawBody: string;
}

export interface InboundResponse {
  /** 200 unless set. */
  status?: number;
  /** Sent as JSON. */
  body: unknown;
}

export interface InboundRoute {
  method: 'POST';
  /**
   * Below `/api/integrations/<notifier name>/`: `actions` on the notifier `slack` answers
   * `/api/integrations/slack/actions`. A plugin cannot claim a path outside its own folder.
   */
  path: string;
  /** The largest body accepted, in bytes (64 KiB unless set); a larger one is refused with 413. */
  bodyLimit?: number;
  /**
   * Answers one request. The host applies no session or token check here: the route proves the
   * sender itself (a signature with `ctx.signingSecret`) before it acts.
   */
  handle(request: InboundRequest): Promise<InboundResponse>;
}

/** Why the host did not carry out an action: `invalid` input, or `refused` by the state of things. */
export type InboundOutcome = { ok: true } | { ok: false; kind: 'invalid' | 'refused'; reason: string };

export interface InboundAlert {
  id: string;
  rule: string;
  summary: string;
}

/** What an inbound route may do to alerts. Every action is audited with the notifier's name as `via`. */
export interface InboundAlertActions {
  get(id: string): Promise<InboundAlert | null>;
  /** `refused` when the alert is not in a state for it (already resolved…). */
  act(id: string, kind: 'acknowledge' | 'resolve', by: { actor: string; comment: string }): Promise<InboundOutcome>;
  /** Silences the alert's rule and labels from now for `forMs`; `refused` when the alert is gone. */
  silence(id: string, forMs: number, by: { actor: string; comment: string }): Promise<InboundOutcome>;
}

export interface InboundIncident {
  id: number;
  title: string;
  status: IncidentStatus;
}

/** What an inbound route may do on the public status page. */
export interface InboundStatusIncidents {
  listOpen(): Promise<InboundIncident[]>;
  /** `invalid` names the fields at fault; `refused` when there is no such incident or it is closed. */
  postUpdate(update: { incidentId: number; status: IncidentStatus; message: string }, actor: string): Promise<InboundOutcome>;
}

export interface InboundContext {
  /** `<NAME>_SIGNING_SECRET` from the environment (SLACK_SIGNING_SECRET for `slack`); unset turns the routes off. */
  signingSecret?: string;
  logger: Logger;
  alerts: InboundAlertActions;
  statusIncidents: InboundStatusIncidents;
  /**
   * True the first time `key` is offered within `ttlMs`, across every API process: replay
   * protection for signed requests. Keys are kept apart per notifier.
   */
  firstSeen(key: string, ttlMs: number): Promise<boolean>;
}
