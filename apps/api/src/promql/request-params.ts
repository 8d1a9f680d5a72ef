import type { FastifyRequest } from 'fastify';
import { PromqlError, parseDurationParam, parseTime } from '@vigia/promql';

/**
 * A Prometheus API request's parameters: the query string, and for POST the form-encoded body
 * (Grafana's default). Repeated keys (`match[]`) keep every value.
 */
export class RequestParams {
  private readonly params: URLSearchParams;

  constructor(req: FastifyRequest) {
    const query = req.url.includes('?') ? req.url.slice(req.url.indexOf('?') + 1) : '';
    this.params = new URLSearchParams(query);
    if (typeof req.body === 'string') for (const [k, v] of new URLSearchParams(req.body)) this.params.append(k, v);
  }

  get(name: string): string | undefined {
    const value = this.params.get(name);
    return value === null || value === '' ? undefined : value;
  }

  all(name: string): string[] {
    return this.params.getAll(name);
  }

  required(name: string): string {
    const value = this.get(name);
    if (value === undefined) throw new PromqlError(`invalid parameter "${name}": missing`);
    return value;
  }

  time(name: string, fallback: number): number {
    const value = this.get(name);
    return value === undefined ? fallback : parseTime(name, value);
  }

  duration(name: string): number | undefined {
    const value = this.get(name);
    return value === undefined ? undefined : parseDurationParam(name, value);
  }
}
