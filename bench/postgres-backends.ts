import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import pg from 'pg';

/** Inodes of the sockets the processes hold open. */
function socketInodes(pids: number[]): Set<string> {
  const inodes = new Set<string>();
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (match) inodes.add(match[1]!);
      } catch {
        // closed meanwhile
      }
    }
  }
  return inodes;
}

/** Local TCP ports of those sockets (the client side of each connection they opened). */
function localPorts(inodes: Set<string>): Set<number> {
  const ports = new Set<number>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length > 9 && inodes.has(f[9]!)) ports.add(parseInt(f[1]!.split(':')[1]!, 16));
    }
  }
  return ports;
}

/**
 * The PostgreSQL backends serving connections opened by the given processes: matched on the
 * client's port, so a backend counts wherever the connection came from in the tree and whichever
 * database it uses (the monitored `postgres` database of the postgres collector included).
 */
export class PostgresBackends {
  private constructor(private readonly client: pg.Client) {}

  static async connect(url: string): Promise<PostgresBackends> {
    const client = new pg.Client({ connectionString: url, application_name: 'vigia-bench-footprint' });
    await client.connect();
    return new PostgresBackends(client);
  }

  async of(pids: number[]): Promise<number[]> {
    const ports = [...localPorts(socketInodes(pids))];
    if (!ports.length) return [];
    const { rows } = await this.client.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE client_port = ANY($1::int[]) AND client_addr IS NOT NULL AND pid <> pg_backend_pid()`, [ports]);
    return rows.map((r) => r.pid);
  }

  close(): Promise<void> {
    return this.client.end();
  }
}
