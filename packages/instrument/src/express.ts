import type { ServerResponse } from 'node:http';
import { watchResponse } from './node-http.ts';
import { createRecorder, type InstrumentOptions } from './recorder.ts';

/** Express (or Connect) middleware: `app.use(expressMiddleware({ redis }))`, before the routes. */
export function expressMiddleware(options: InstrumentOptions): (req: unknown, res: ServerResponse, next: () => void) => void {
  const record = createRecorder(options);
  return (_req, res, next) => {
    watchResponse(res, record);
    next();
  };
}
