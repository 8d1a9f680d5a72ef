import type { Component } from 'svelte';
import type { Role } from './lib/api/types.ts';
import { AREAS } from './lib/metrics/areas.ts';
import { matchPath } from './lib/router/match.ts';
import { setPrefetch } from './lib/router/prefetch.ts';
import LoginPage from './pages/LoginPage.svelte';

// Pages take whatever props their route gives them; the router cannot know each page's type.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Page = Component<any>;

export interface RouteDef {
  /** `/alerts/:id`: segments starting with ":" are parameters, passed to the page as `params`. */
  path: string;
  title: string;
  /** Reachable without signing in. */
  public?: boolean;
  /** The least role that may open it; others get an explanation, not a blank page. */
  role?: Role;
  /** Fixed props for the page (one page component serves all six areas). */
  props?: Record<string, unknown>;
  // Pages load on demand so each view costs nothing until someone opens it.
  load: () => Promise<{ default: Page }>;
}

export interface RouteMatch {
  route: RouteDef;
  params: Record<string, string>;
}

const areaPage = () => import('./pages/AreaPage.svelte');

export const routes: RouteDef[] = [
  { path: '/', title: 'Overview', load: () => import('./pages/OverviewPage.svelte') },
  ...AREAS.map((a) => ({ path: a.path, title: a.title, props: { area: a.key }, load: areaPage })),
  { path: '/alerts', title: 'Alerts', load: () => import('./pages/AlertsPage.svelte') },
  { path: '/alerts/:id', title: 'Alert', load: () => import('./pages/AlertPage.svelte') },
  { path: '/rules', title: 'Rules', load: () => import('./pages/RulesPage.svelte') },
  { path: '/rules/:name', title: 'Rule', load: () => import('./pages/RulePage.svelte') },
  { path: '/slos', title: 'SLOs', load: () => import('./pages/SlosPage.svelte') },
  { path: '/uptime', title: 'Uptime', load: () => import('./pages/UptimePage.svelte') },
  { path: '/incidents', title: 'Status page incidents', load: () => import('./pages/IncidentsPage.svelte') },
  { path: '/oncall', title: 'On call', load: () => import('./pages/OncallPage.svelte') },
  { path: '/silences', title: 'Silences', load: () => import('./pages/SilencesPage.svelte') },
  { path: '/probes', title: 'Probes', load: () => import('./pages/ProbesPage.svelte') },
  { path: '/maintenance', title: 'Maintenance windows', load: () => import('./pages/MaintenancePage.svelte') },
  { path: '/channels', title: 'Channels', load: () => import('./pages/ChannelsPage.svelte') },
  { path: '/admin/users', title: 'Users and tokens', role: 'admin', load: () => import('./pages/AdminUsersPage.svelte') },
  { path: '/system-info', title: 'System info', load: () => import('./pages/SystemInfoPage.svelte') },
  { path: '/activity', title: 'User activity', load: () => import('./pages/ActivityPage.svelte') },
  { path: '/audit', title: 'Audit log', load: () => import('./pages/AuditPage.svelte') },
  { path: '/account', title: 'Your account', load: () => import('./pages/AccountPage.svelte') },
  // Eager: it is the first thing a signed-out visitor sees.
  { path: '/login', title: 'Sign in', public: true, load: () => Promise.resolve({ default: LoginPage }) },
];

export function matchRoute(path: string): RouteMatch | undefined {
  for (const route of routes) {
    const params = matchPath(route.path, path);
    if (params) return { route, params };
  }
  return undefined;
}

/** Warms the cache with a page's code while the visitor is still busy (typing a password). */
export function prefetch(path: string): void {
  void matchRoute(path)
    ?.route.load()
    .catch(() => {});
}
setPrefetch(prefetch);
