// Builds the admin UI into dist/web (run as `vite build web`, so paths are relative to web/);
// `serve` serves the result at `/` (src/server/ui.ts). `vite web` proxies the API to a local serve.
import { defineConfig } from 'vite'

export default defineConfig({
  base: '/',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: { outDir: '../dist/web', emptyOutDir: true, target: 'es2022' },
  server: { proxy: { '/api': 'http://127.0.0.1:8080', '/v1': 'http://127.0.0.1:8080' } },
})
