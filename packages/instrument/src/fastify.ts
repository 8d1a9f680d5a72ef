import { createRecorder, secondsSince, type InstrumentOptions } from './recorder.ts';

type Done = (error?: Error) => void;

/** The part of a Fastify instance this uses; typed by shape so there is no dependency on fastify. */
export interface FastifyLike {
  addHook(name: 'onRequest', hook: (request: object, reply: unknown, done: Done) => void): unknown;
  addHook(name: 'onResponse', hook: (request: object, reply: { statusCode: number }, done: Done) => void): unknown;
}

/**
 * `registerFastify(app, { redis })` on the root instance (not inside `app.register`, whose
 * encapsulation would limit the hooks to that plugin's routes).
 */
export function registerFastify(app: FastifyLike, options: InstrumentOptions): void {
  const record = createRecorder(options);
  const started = new WeakMap<object, bigint>();
  app.addHook('onRequest', (request, _reply, done) => {
    started.set(request, process.hrtime.bigint());
    done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    const at = started.get(request);
    if (at !== undefined) record(reply.statusCode, secondsSince(at));
    done();
  });
}
