import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { REPO_ROOT } from './app-process.ts';

export const WEB_DIST = join(REPO_ROOT, 'apps/web/dist');

export interface BundleFile {
  file: string;
  bytes: number;
  gzipBytes: number;
}

export interface BundleSize {
  /** What the browser must fetch before the first page shows: entry, its static imports, CSS. */
  initial: BundleFile[];
  initialGzipBytes: number;
  initialBytes: number;
  /** index.html itself, reported apart (the target counts JavaScript and CSS). */
  htmlGzipBytes: number;
}

/** The dashboard as `npm run build` makes it, so the figures are for the code in the tree. */
export function buildWeb(): void {
  execFileSync('npm', ['run', 'build', '--workspace', '@vigia/web'], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
}

const gzip = (buf: Buffer) => gzipSync(buf, { level: 9 }).length;

// Static imports only: `import{a}from"./x.js"` and `import"./y.js"`; `import("./z.js")` is a
// page loaded on demand and must not count.
const STATIC_IMPORT = /\bimport\s*(?:[^"'();]*?\bfrom\s*)?["'](\.{1,2}\/[^"']+\.js)["']/g;

/**
 * Walks what index.html loads: its module script and stylesheets, modulepreload links, and the
 * static import graph of the entry (in case a preload link is missing), each file gzipped at 9.
 */
export function measureBundle(dist = WEB_DIST): BundleSize {
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const assets = new Set<string>();
  for (const m of html.matchAll(/<script[^>]+type="module"[^>]*src="([^"]+)"/g)) assets.add(m[1]!);
  for (const m of html.matchAll(/<link[^>]+rel="(?:modulepreload|stylesheet)"[^>]*href="([^"]+)"/g)) assets.add(m[1]!);
  const queue = [...assets].filter((a) => a.endsWith('.js'));
  while (queue.length) {
    const asset = queue.shift()!;
    const code = readFileSync(join(dist, asset), 'utf8');
    for (const m of code.matchAll(STATIC_IMPORT)) {
      const next = new URL(m[1]!, `http://x${asset}`).pathname;
      if (!assets.has(next)) {
        assets.add(next);
        queue.push(next);
      }
    }
  }
  const initial = [...assets].sort().map((file) => {
    const buf = readFileSync(join(dist, file));
    return { file, bytes: buf.length, gzipBytes: gzip(buf) };
  });
  return {
    initial,
    initialBytes: initial.reduce((n, f) => n + f.bytes, 0),
    initialGzipBytes: initial.reduce((n, f) => n + f.gzipBytes, 0),
    htmlGzipBytes: gzip(Buffer.from(html)),
  };
}
