import type { Redis } from 'ioredis';
import type { Logger } from '@vigia/core';

// Renews the lease if this holder has it, takes it if nobody does; 1 when held after the call.
const ACQUIRE_OR_RENEW = `
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end
if not holder then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end
return 0`;

const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/**
 * A lease in Redis that one process at a time holds: renewed every third of its time to live,
 * taken over by another process once its holder stopped renewing (crashed) or let it go
 * (stopped). A holder that cannot reach Redis counts itself as having lost it, since another may
 * take it once the lease expires. `onChange` calls never overlap.
 */
export class OwnerLease {
  private timer?: NodeJS.Timeout;
  private owned = false;
  /** `owned` once its onChange has completed. */
  private applied = false;
  private stopped = false;
  private changes: Promise<void> = Promise.resolve();
  private renewing: Promise<void> = Promise.resolve();

  constructor(
    private readonly redis: Redis,
    private readonly key: string,
    private readonly holder: string,
    private readonly ttlMs: number,
    private readonly onChange: (owned: boolean) => Promise<void>,
    private readonly logger: Logger,
  ) {}

  /** True once this holder has the lease and its onChange(true) has completed. */
  get held(): boolean {
    return this.applied;
  }

  private set(owned: boolean): void {
    if (owned === this.owned || (owned && this.stopped)) return;
    this.owned = owned;
    this.changes = this.changes
      .then(() => this.onChange(owned))
      .then(() => void (this.applied = owned && this.owned))
      .catch((error) => {
        this.applied = false;
        this.logger.warn('lease change failed', { error: (error as Error).message });
      });
  }

  /**
   * The renewal by its SHA (EVALSHA): it runs every third of the lease's time on every worker, and
   * EVAL would send the script and have Redis hash it each time. ioredis loads it again by itself
   * after a Redis restart.
   */
  private acquireOrRenew(): Promise<number> {
    const client = this.redis as Redis & { vigiaLeaseAcquireOrRenew?: (key: string, holder: string, ttlMs: number) => Promise<number> };
    if (!client.vigiaLeaseAcquireOrRenew) this.redis.defineCommand('vigiaLeaseAcquireOrRenew', { numberOfKeys: 1, lua: ACQUIRE_OR_RENEW });
    return client.vigiaLeaseAcquireOrRenew!(this.key, this.holder, this.ttlMs);
  }

  private async renew(): Promise<void> {
    try {
      this.set((await this.acquireOrRenew()) === 1);
    } catch {
      this.set(false);
    }
  }

  /** Resolves once the first attempt (and the change it caused) is done. */
  async start(): Promise<void> {
    const loop = async () => {
      if (this.stopped) return;
      this.renewing = this.renew();
      await this.renewing;
      if (!this.stopped) this.timer = setTimeout(loop, Math.max(100, Math.floor(this.ttlMs / 3)));
    };
    await loop();
    await this.changes;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    // A renewal under way could take the lease again after the release below.
    await this.renewing;
    if (this.owned) await this.redis.eval(RELEASE, 1, this.key, this.holder).catch(() => {});
    this.set(false);
    await this.changes;
  }
}
