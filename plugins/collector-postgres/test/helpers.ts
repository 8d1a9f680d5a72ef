import pg from 'pg';
import type { CollectorRunResult, Sample } from '@vigia/plugin-sdk';

export async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return client;
}

export const samplesNamed = (result: CollectorRunResult, name: string): Sample[] => result.samples.filter((s) => s.name === name);

export function valueOf(result: CollectorRunResult, name: string, labels: Record<string, string> = {}): number | undefined {
  return result.samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels?.[k] === v))?.value;
}

export const databaseName = (url: string): string => new URL(url).pathname.slice(1);
