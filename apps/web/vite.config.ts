import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

// In development the API runs separately; everything that is not the SPA goes to it.
const api = 'http://127.0.0.1:5001';

export default defineConfig({
  plugins: [svelte()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
  },
  server: {
    // Anchored patterns: /api (the API area page) and /metrics… are pages of the SPA too.
    proxy: {
      '^/trpc/': api,
      '^/api/': api,
      '^/metrics$': api,
      '^/healthz$': api,
      '^/act/': api,
    },
  },
});
