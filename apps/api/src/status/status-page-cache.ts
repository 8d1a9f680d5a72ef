import { createHash } from 'node:crypto';
import { loadWindows } from '@vigia/alerting';
import type { StatusIncidents } from '@vigia/db';
import type { Logger } from '@vigia/core';
import { publicStatus, type PublicStatus } from './public-status.ts';
import { statusHtml } from './status-html.ts';
import { existingProbes, uptimeReport, type ProbeUptimeReport, type UptimeDeps } from './uptime-report.ts';

const PAST_INCIDENTS_MS = 7 * 86_400_000;
/** Daily bars change slowly; two rollup reads a minute is plenty. */
const UPTIME_EVERY_MS = 60_000;

export interface CachedPage {
  html: string;
  json: string;
  etag: string;
}

function render(status: PublicStatus): CachedPage {
  const json = JSON.stringify(status);
  return { html: statusHtml(status), json, etag: `"${createHash('sha1').update(json).digest('base64url')}"` };
}

/**
 * /status answers from memory, never from the database: a rebuild every `status_page.refresh`
 * replaces the page, and a failed rebuild (PostgreSQL down) leaves the last good one in place.
 */
export class StatusPageCache {
  private page: CachedPage | null = null;
  private uptime: { at: number; report: ProbeUptimeReport[] } | null = null;
  private timer: NodeJS.Timeout | undefined;
  private building: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  /** Logged once when rebuilds start failing and once when they work again, not every refresh. */
  private failing = false;

  constructor(
    private readonly deps: UptimeDeps & { logger: Logger },
    private readonly incidents: StatusIncidents,
  ) {}

  current(): CachedPage | null {
    return this.page;
  }

  async start(): Promise<void> {
    await this.rebuild();
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.building;
  }

  /** Rebuild now (an incident changed); a rebuild under way is followed by one more. */
  rebuild(): Promise<void> {
    if (this.building) {
      this.again = true;
      return this.building;
    }
    this.building = this.build()
      .then(() => {
        if (this.failing) this.deps.logger.info('status page rebuilt again');
        this.failing = false;
      })
      .catch((error: Error) => {
        if (!this.failing) this.deps.logger.warn('status page not rebuilt; serving the last one until the database answers', { error: error.message });
        this.failing = true;
      })
      .finally(() => {
        this.building = null;
        if (this.again && !this.stopped) {
          this.again = false;
          void this.rebuild();
        }
      });
    return this.building;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.rebuild().finally(() => this.schedule()), this.deps.config.statusPage.refresh);
    this.timer.unref();
  }

  private async readUptime(probes: string[], now: number): Promise<ProbeUptimeReport[]> {
    const existing = await existingProbes(this.deps, probes);
    return existing.length ? uptimeReport(this.deps, now, existing) : [];
  }

  private async build(): Promise<void> {
    const { config } = this.deps;
    const now = Date.now();
    const probes = config.statusPage.show_uptime ? config.statusPage.components.flatMap((c) => (c.probe ? [c.probe] : [])) : [];
    // A probe without data yet is asked again at every rebuild, so a new probe's bar appears with
    // its first stored results rather than up to a minute later. A component naming no existing
    // probe gets no bar, and (having no report) does not keep this asking every rebuild.
    const uptimeStale = !this.uptime || now - this.uptime.at >= UPTIME_EVERY_MS || this.uptime.report.some((u) => u.windows['90d'].ratio === null);
    const [incidents, windows, uptime] = await Promise.all([
      this.incidents.list(new Date(now - PAST_INCIDENTS_MS)),
      loadWindows(this.deps.store.db, config.maintenanceWindows),
      uptimeStale ? this.readUptime(probes, now) : Promise.resolve(this.uptime!.report),
    ]);
    if (uptimeStale) this.uptime = { at: now, report: uptime };
    this.page = render(publicStatus(config.statusPage, incidents, windows, uptime, now));
  }
}
