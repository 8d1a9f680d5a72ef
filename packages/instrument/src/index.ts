export { createRecorder, type InstrumentOptions, type RecordRequest, type RedisLike, type RedisPipelineLike } from './recorder.ts';
export { instrumentNodeHttp, watchResponse } from './node-http.ts';
export { expressMiddleware } from './express.ts';
export { registerFastify, type FastifyLike } from './fastify.ts';
