import { gunzipSync } from 'node:zlib';
import { TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasRole } from '@vigia/auth';
import { createContext, unauthenticatedMessage } from '../context.ts';
import type { ApiDeps } from '../deps.ts';
import { countRefusedPush, refusalOf } from '../push-refusals.ts';
import { applyDeltaTotals } from '../receive/delta-totals.ts';
import { ingestReceived, refusalSummary } from '../receive/ingest-received.ts';
import { otlpSamples } from '../receive/otlp-metrics.ts';
import { ExportRequest, ExportResponse, PLAIN, RpcStatus, type OtlpRequest } from '../receive/otlp-proto.ts';
import { decodeRemoteWrite, MAX_UNCOMPRESSED_BYTES, ReceiveError } from '../receive/remote-write.ts';

/** Largest request body either receiver reads (compressed); Prometheus sends far less per request. */
export const RECEIVE_BODY_LIMIT = 16 * 1024 * 1024;
const UNSUPPORTED = 'unsupported_metric_type';

async function requireOperator(deps: ApiDeps, req: FastifyRequest, reply: FastifyReply): Promise<void> {
  const ctx = await createContext(deps, req, reply);
  if (!ctx.principal) throw new TRPCError({ code: 'UNAUTHORIZED', message: unauthenticatedMessage(ctx.presented) });
  if (!hasRole(ctx.principal, 'operator')) throw new TRPCError({ code: 'FORBIDDEN', message: 'this needs the operator role' });
}

/** An answer's status: the request's own fault is permanent (4xx); anything else (Redis down) retryable. */
function failureStatus(deps: ApiDeps, req: FastifyRequest, error: unknown): { status: number; message: string } {
  if (error instanceof ReceiveError) return { status: error.status, message: error.message };
  if (error instanceof TRPCError) return { status: getHTTPStatusCodeFromError(error), message: error.message };
  deps.logger.error('receiving metrics failed', { url: req.url.split('?')[0], error: (error as Error).message });
  return { status: 503, message: 'could not store the samples now; retry later' };
}

/**
 * Prometheus remote_write (POST /api/v1/write) and OTLP/HTTP metrics (POST /v1/metrics), both
 * into the JSON push's path. Each answers in its sender's terms: 204/400 for Prometheus (which
 * drops a 4xx and retries a 5xx), OTLP's partial-success response for OpenTelemetry.
 */
export async function receiveRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  await app.register(async (scope) => {
    // Both read their bodies raw: snappy protobuf, OTLP protobuf or JSON, maybe gzipped.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: RECEIVE_BODY_LIMIT }, (_req, body, done) => done(null, body));

    scope.post('/api/v1/write', { bodyLimit: RECEIVE_BODY_LIMIT }, async (req, reply) => {
      try {
        await requireOperator(deps, req, reply);
        const type = req.headers['content-type'] ?? '';
        if (!/^application\/x-protobuf\s*(;\s*proto=prometheus\.WriteRequest\s*)?$/i.test(type)) {
          throw new ReceiveError(`remote write: content type ${type || '(none)'} not accepted; send remote-write 1.0 (application/x-protobuf, snappy)`, 415);
        }
        const { samples, histograms } = decodeRemoteWrite(bodyOf(req));
        if (histograms) await deps.rejections.record([[UNSUPPORTED, histograms]]);
        const result = await ingestReceived(deps, samples, 'remote_write');
        if (result.accepted === 0 && (result.rejectedCount > 0 || histograms > 0)) {
          return reply
            .code(400)
            .type('text/plain')
            .send(`remote write: ${refusalSummary(result, histograms ? { [UNSUPPORTED]: histograms } : {})}`);
        }
        return reply.code(204).send();
      } catch (error) {
        const { status, message } = failureStatus(deps, req, error);
        if (error instanceof ReceiveError) await countRefusedPush(deps, refusalOf(status));
        return reply.code(status).type('text/plain').send(message);
      }
    });

    scope.post('/v1/metrics', { bodyLimit: RECEIVE_BODY_LIMIT }, async (req, reply) => {
      const protobuf = /^application\/x-protobuf/i.test(req.headers['content-type'] ?? '');
      try {
        await requireOperator(deps, req, reply);
        const request = decodeOtlp(req, protobuf);
        const { samples, unsupported } = otlpSamples(request);
        await applyDeltaTotals(deps.redis, deps.keys.otlpDeltaTotals, samples, deps.config.retention.raw);
        const refusedPoints = [...unsupported.values()].reduce((n, u) => n + u.points, 0);
        if (refusedPoints) await deps.rejections.record([[UNSUPPORTED, refusedPoints]]);
        const result = await ingestReceived(deps, samples, 'otlp');
        const rejected = refusedPoints + result.rejectedCount;
        if (rejected === 0) return sendOtlp(reply, protobuf, 200, {});
        const kinds = [...unsupported].map(([type, u]) => `${type} not supported (${u.metrics.join(', ')}): ${u.points} data points refused`);
        if (result.rejectedCount) kinds.push(`samples: ${refusalSummary(result)}`);
        return sendOtlp(reply, protobuf, 200, { partialSuccess: { rejectedDataPoints: rejected, errorMessage: kinds.join('; ') } });
      } catch (error) {
        const { status, message } = failureStatus(deps, req, error);
        if (error instanceof ReceiveError) await countRefusedPush(deps, refusalOf(status));
        return sendOtlp(reply, protobuf, status, { code: grpcCode(status), message });
      }
    });
  });
}

function bodyOf(req: FastifyRequest): Buffer {
  return Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
}

function decodeOtlp(req: FastifyRequest, protobuf: boolean): OtlpRequest {
  const type = req.headers['content-type'] ?? '';
  if (!protobuf && !/^application\/json/i.test(type)) throw new ReceiveError(`otlp: content type ${type || '(none)'} not accepted; send application/x-protobuf or application/json`, 415);
  let body = bodyOf(req);
  if (/gzip/i.test(String(req.headers['content-encoding'] ?? ''))) {
    try {
      body = gunzipSync(body, { maxOutputLength: MAX_UNCOMPRESSED_BYTES });
    } catch (error) {
      const tooBig = (error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE';
      throw new ReceiveError(tooBig ? `otlp: uncompressed body over ${MAX_UNCOMPRESSED_BYTES} bytes` : `otlp: body is not gzip (${(error as Error).message})`, tooBig ? 413 : 400);
    }
  }
  try {
    const message = protobuf ? ExportRequest.decode(body) : ExportRequest.fromObject(JSON.parse(body.toString('utf8')) as object);
    return ExportRequest.toObject(message, PLAIN) as OtlpRequest;
  } catch (error) {
    throw new ReceiveError(`otlp: body is not an ExportMetricsServiceRequest in ${protobuf ? 'protobuf' : 'JSON'} (${(error as Error).message})`, 400);
  }
}

// google.rpc.Code for the statuses answered here, so an OTLP client can log what went wrong.
function grpcCode(status: number): number {
  if (status === 401) return 16;
  if (status === 403) return 7;
  if (status === 413) return 8;
  if (status >= 500) return 14;
  return 3;
}

function sendOtlp(reply: FastifyReply, protobuf: boolean, status: number, body: Record<string, unknown>): FastifyReply {
  if (!protobuf) return reply.code(status).type('application/json').send(body);
  const type = status === 200 ? ExportResponse : RpcStatus;
  return reply
    .code(status)
    .type('application/x-protobuf')
    .send(Buffer.from(type.encode(type.fromObject(body)).finish()));
}
