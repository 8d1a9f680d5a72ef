import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

const API_PREFIXES = ['/api/', '/trpc/', '/metrics', '/healthz', '/act/'];

/**
 * Serves the built dashboard. Hashed assets are cached for a year; index.html never, so a new
 * build is picked up on reload. Unknown non-API paths get index.html (client-side routes).
 */
export async function staticSpa(app: FastifyInstance, distDir: string): Promise<void> {
  const built = existsSync(join(distDir, 'index.html'));
  if (built) {
    await app.register(fastifyStatic, {
      root: distDir,
      wildcard: false,
      index: false,
      setHeaders(res, path) {
        res.header('cache-control', path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
  }
  app.setNotFoundHandler((req, reply) => {
    if (req.method !== 'GET' || API_PREFIXES.some((p) => req.url.startsWith(p))) {
      return reply.code(404).send({ error: `no route for ${req.method} ${req.url.split('?')[0]}` });
    }
    if (!built) {
      return reply.code(503).type('text/plain').send('The dashboard is not built yet: run `npm run build` (npm start does it for you).\n');
    }
    return reply.header('cache-control', 'no-cache').sendFile('index.html');
  });
}
