// Inside the monorepo the client is typed by the API's own router. The build replaces the emitted
// declaration of this file with a standalone copy of the router's types (scripts/router-types.ts),
// so an installed @vigia/client needs nothing of the server.
export type { AppRouter } from '@vigia/api';
