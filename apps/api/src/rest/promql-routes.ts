import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HistorySource, PromqlError, instantQuery, parseTime, rangeQuery } from '@vigia/promql';
import { authenticate, unauthenticatedMessage, presentedCredentials } from '../context.ts';
import type { Principal } from '@vigia/auth';
import type { ApiDeps } from '../deps.ts';
import { RequestParams } from '../promql/request-params.ts';
import { lookupSeries, metricType } from '../promql/series-lookup.ts';

// The Prometheus release whose query API this subset follows; Grafana reads it to pick features.
const PROMETHEUS_VERSION = '2.53.0';
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

type Handler = (params: RequestParams, req: FastifyRequest) => Promise<unknown>;

/**
 * Prometheus' HTTP query API (the part Grafana's Prometheus data source uses) over Vigia's
 * history: GET, or POST with a form-encoded body; answers and errors in Prometheus' JSON.
 */
export async function promqlRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  const source = new HistorySource(deps.store.sql, { retention: deps.config.retention });
  const lookback = (params: RequestParams) => params.duration('lookback_delta');

  const fail = (reply: FastifyReply, status: number, errorType: string, error: string) => reply.code(status).send({ status: 'error', errorType, error });

  await app.register(async (scope) => {
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => done(null, body));

    const route = (path: string, handler: Handler, methods: ('GET' | 'POST')[] = ['GET', 'POST']) => {
      scope.route({
        method: methods,
        url: path,
        handler: async (req, reply) => {
          try {
            if (!(await promqlPrincipal(deps, req))) return fail(reply, 401, 'unauthorized', unauthenticatedMessage(presentedCredentials(req)));
            const data = await handler(new RequestParams(req), req);
            return reply.send({ status: 'success', data });
          } catch (error) {
            if (error instanceof PromqlError) return fail(reply, error.status, error.errorType, error.message);
            deps.logger.error('PromQL request failed', { url: req.url.split('?')[0], error: (error as Error).message });
            return fail(reply, 500, 'internal', 'the query could not be answered now; see the server log');
          }
        },
      });
    };

    route('/api/v1/query', (params) => instantQuery(params.required('query'), params.time('time', Date.now()), source, { lookbackMs: lookback(params) }));

    route('/api/v1/query_range', (params) => {
      const step = params.duration('step');
      if (step === undefined) throw new PromqlError('invalid parameter "step": missing');
      return rangeQuery(params.required('query'), parseRequired(params, 'start'), parseRequired(params, 'end'), step, source, { lookbackMs: lookback(params) });
    });

    route('/api/v1/series', async (params) => (await lookupSeries(deps.store.sql, source, params, true)).map((e) => e.labels));

    route('/api/v1/labels', async (params) => {
      const names = new Set<string>();
      for (const e of await lookupSeries(deps.store.sql, source, params, false)) for (const name of Object.keys(e.labels)) names.add(name);
      return [...names].sort();
    });

    route(
      '/api/v1/label/:name/values',
      async (params, req) => {
        const name = (req.params as { name: string }).name;
        if (!LABEL_NAME.test(name)) throw new PromqlError(`invalid label name: "${name}"`);
        const values = new Set<string>();
        for (const e of await lookupSeries(deps.store.sql, source, params, false)) if (e.labels[name] !== undefined) values.add(e.labels[name]!);
        return [...values].sort();
      },
      ['GET'],
    );

    route(
      '/api/v1/metadata',
      async (params) => {
        const only = params.get('metric');
        const limit = Number(params.get('limit') ?? Infinity);
        await source.catalog.refresh();
        const data: Record<string, { type: string; help: string; unit: string }[]> = {};
        const names = [...new Set(source.catalog.select([]).map((e) => e.labels.__name__!))].sort();
        for (const name of names) {
          if (only !== undefined && name !== only) continue;
          if (Object.keys(data).length >= limit) break;
          data[name] = [{ type: metricType(name), help: '', unit: '' }];
        }
        return data;
      },
      ['GET'],
    );

    route('/api/v1/query_exemplars', async () => []);

    route('/api/v1/status/buildinfo', async () => ({ version: PROMETHEUS_VERSION, revision: 'vigia', branch: 'vigia', buildUser: 'vigia', buildDate: '', goVersion: 'none' }), ['GET']);
  });
}

function parseRequired(params: RequestParams, name: string): number {
  return parseTime(name, params.required(name));
}

/**
 * A bearer token or session as everywhere else; and, for clients that can only send a user and a
 * password (promtool, some Grafana setups), Basic auth with an API token as the password.
 */
async function promqlPrincipal(deps: ApiDeps, req: FastifyRequest): Promise<Principal | null> {
  const basic = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  if (!basic) return authenticate(deps, req);
  const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
  const token = decoded.slice(decoded.indexOf(':') + 1);
  return token ? deps.auth.fromBearer(token) : null;
}
