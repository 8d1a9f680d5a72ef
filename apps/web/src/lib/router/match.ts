/**
 * Matches `/alerts/:id` against `/alerts/abc`: segments starting with ":" capture (decoded), the
 * others must be equal. A trailing slash does not make a different page.
 */
export function matchPath(pattern: string, path: string): Record<string, string> | null {
  const normalized = path.length > 1 ? path.replace(/\/+$/, '') : path;
  const want = pattern.split('/');
  const got = normalized.split('/');
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    const g = got[i]!;
    if (w.startsWith(':')) {
      if (!g) return null;
      try {
        params[w.slice(1)] = decodeURIComponent(g);
      } catch {
        return null; // a broken %-escape is no address of ours
      }
    } else if (w !== g) return null;
  }
  return params;
}

/** Builds `/rules/High%20CPU` from a pattern and values, escaping each. */
export function pathTo(pattern: string, params: Record<string, string>): string {
  return pattern.replace(/:(\w+)/g, (_, key: string) => encodeURIComponent(params[key] ?? ''));
}
