import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRecorder, secondsSince, type InstrumentOptions, type RecordRequest } from './recorder.ts';

/** Records `res` once, when it has been sent ('finish') or the connection went away first ('close'). */
export function watchResponse(res: ServerResponse, record: RecordRequest): void {
  const started = process.hrtime.bigint();
  let recorded = false;
  const done = () => {
    if (recorded) return;
    recorded = true;
    record(res.statusCode, secondsSince(started));
  };
  res.once('finish', done);
  res.once('close', done);
}

/** Wraps a plain `node:http` request handler: `http.createServer(instrumentNodeHttp(handler, { redis }))`. */
export function instrumentNodeHttp<Req extends IncomingMessage, Res extends ServerResponse>(handler: (req: Req, res: Res) => unknown, options: InstrumentOptions): (req: Req, res: Res) => unknown {
  const record = createRecorder(options);
  return (req, res) => {
    watchResponse(res, record);
    return handler(req, res);
  };
}
