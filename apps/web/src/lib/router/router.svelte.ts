/**
 * A history-API router: the server answers every non-API path with index.html, so real paths
 * (`/login`, `/?range=1h`) survive a reload and can be shared.
 */
class Router {
  path = $state(location.pathname);
  search = $state(location.search);
  readonly params = $derived(new URLSearchParams(this.search));

  constructor() {
    window.addEventListener('popstate', () => this.sync());
  }

  /** Where we are, as a path + query suitable for `?next=`. */
  get href(): string {
    return this.path + this.search;
  }

  navigate(to: string, { replace = false }: { replace?: boolean } = {}): void {
    const target = new URL(to, location.origin);
    if (target.origin !== location.origin) throw new Error(`refusing to route off-site: ${to}`);
    const next = target.pathname + target.search + target.hash;
    if (next !== location.pathname + location.search + location.hash) {
      history[replace ? 'replaceState' : 'pushState'](null, '', next);
    }
    this.sync();
  }

  /** Changes one query parameter (null removes it), keeping the others. */
  setParam(key: string, value: string | null, options: { replace?: boolean } = {}): void {
    this.setParams({ [key]: value }, options);
  }

  /** Changes several at once, so the history gets one entry and the page one update. */
  setParams(values: Record<string, string | null>, options: { replace?: boolean } = {}): void {
    const params = new URLSearchParams(this.search);
    for (const [key, value] of Object.entries(values)) {
      if (value === null || value === '') params.delete(key);
      else params.set(key, value);
    }
    const query = params.toString();
    this.navigate(this.path + (query ? `?${query}` : ''), options);
  }

  private sync(): void {
    this.path = location.pathname;
    this.search = location.search;
  }
}

export const router = new Router();

/** Only same-site paths are followed after login, so a crafted link cannot bounce users elsewhere. */
export function safeNext(value: string | null): string {
  return value && value.startsWith('/') && !value.startsWith('//') && !value.startsWith('/\\') ? value : '/';
}
