/// <reference types="vitest/config" />
import { fileURLToPath, URL } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

// The service owns every path below; the SPA owns the rest. Dev and preview both proxy there so the
// session cookie stays same-origin (it is SameSite=Strict).
const serviceOrigin = process.env.ADSYNC_API_ORIGIN ?? 'http://127.0.0.1:3000';
const proxy = Object.fromEntries(
  ['/api', '/docs', '/healthz', '/readyz'].map((path) => [
    path,
    { target: serviceOrigin, changeOrigin: false },
  ]),
);

export default defineConfig({
  base: '/',
  plugins: [vue()],
  resolve: { alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) } },
  server: { proxy },
  preview: { proxy },
  build: { outDir: 'dist', emptyOutDir: true },
  test: {
    environment: 'happy-dom',
    // The client resolves API paths against the page's origin, as in the browser.
    environmentOptions: { happyDOM: { url: 'http://adsync.test/' } },
    include: ['src/**/*.test.ts'],
    restoreMocks: true,
  },
});
