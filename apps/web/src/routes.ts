import type { Component } from 'svelte';
import LoginPage from './pages/LoginPage.svelte';

export interface RouteDef {
  path: string;
  title: string;
  /** Reachable without signing in. */
  public?: boolean;
  /** Shown in the header's navigation. */
  nav?: boolean;
  // Pages load on demand so each new view costs nothing until someone opens it.
  load: () => Promise<{ default: Component }>;
}

export const routes: RouteDef[] = [
  { path: '/', title: 'Live', nav: true, load: () => import('./pages/LivePage.svelte') },
  // Eager: it is the first thing a signed-out visitor sees.
  { path: '/login', title: 'Sign in', public: true, load: () => Promise.resolve({ default: LoginPage }) },
];

export function matchRoute(path: string): RouteDef | undefined {
  const normalized = path.length > 1 ? path.replace(/\/+$/, '') : path;
  return routes.find((r) => r.path === normalized);
}
