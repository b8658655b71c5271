import { fileURLToPath } from 'node:url';
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

// Built into dist/web, which the API serves at `/` (api/web.ts). No inline scripts (the CSP forbids them).
export default defineConfig({
  root: here('.'),
  base: '/',
  plugins: [preact()],
  build: {
    outDir: here('../dist/web'),
    emptyOutDir: true,
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 1000,
  },
  server: {
    // `npm run dev:web` next to `npm start`: API calls go to the API on :3000.
    proxy: { '/v1': 'http://127.0.0.1:3000', '/openapi.json': 'http://127.0.0.1:3000', '/healthz': 'http://127.0.0.1:3000' },
  },
});
