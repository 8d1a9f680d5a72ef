# syntax=docker/dockerfile:1

# One image for both processes: the API (default command) and the worker (`node scripts/run.mjs
# worker`, what `npm run start:worker` runs). The build stage compiles the dashboard, one bundle
# per app (dist/) and every TypeScript plugin (plugins/*/dist); the runtime runs those.

FROM node:20-bookworm-slim AS base
WORKDIR /app
ENV NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false \
    TURBO_TELEMETRY_DISABLED=1
# The lockfile is written by npm 11 (package.json's packageManager); the base image ships npm 10.
RUN npm install -g npm@11.6.0 && npm cache clean --force

# Every workspace's package.json plus the lockfile, at their paths and nothing else. Copied into
# the stages below, they make the `npm ci` layers depend on the dependencies only, not on every
# source edit.
FROM base AS manifests
WORKDIR /src
COPY . .
RUN mkdir /manifests \
 && find . -name package.json -not -path '*/node_modules/*' -exec cp --parents {} /manifests/ \; \
 && cp package-lock.json .npmrc /manifests/

FROM base AS build
COPY --from=manifests /manifests/ ./
RUN npm ci
COPY . .
RUN npm run build

FROM base AS runtime
ENV NODE_ENV=production
COPY --from=manifests /manifests/ ./
# Workspaces' `dependencies` only: vite, svelte, typescript, vitest and the test helpers' dev
# dependencies stay out. The workspaces themselves are linked, so @vigia/* resolve to the sources.
RUN npm ci --omit=dev && npm cache clean --force
COPY tsconfig.base.json ./
COPY packages ./packages
COPY --from=build /app/plugins ./plugins
COPY apps ./apps
COPY scripts ./scripts
COPY drizzle ./drizzle
COPY config ./config
COPY --from=build /app/apps/web/dist ./apps/web/dist
COPY --from=build /app/dist ./dist
# The sources stay root-owned and read-only to the app; only the data dir (generated secret key,
# or the embedded database when DATABASE_URL is unset) is the app's to write.
RUN mkdir -p /var/lib/vigia && chown node:node /var/lib/vigia
# Everything is built already (and the sources are read-only here): the launcher only runs it.
ENV VIGIA_PREBUILT=1 \
    VIGIA_DATA_DIR=/var/lib/vigia \
    MONITORING_HOST=0.0.0.0 \
    MONITORING_PORT=5001
USER node
EXPOSE 5001
# No curl in the slim image; Node's fetch does the same job.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.MONITORING_PORT || 5001) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# `npm run start:api` without npm in between: npm does not pass SIGTERM on to the app, so
# `docker stop` would kill it with no chance to finish its work. Node, as PID 1, handles the signal.
CMD ["node", "scripts/run.mjs", "api"]
