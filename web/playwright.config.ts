import { fileURLToPath } from 'node:url';
import { defineConfig } from '@playwright/test';
import { e2e, serviceUrl } from './e2e/environment';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

export default defineConfig({
  testDir: './e2e',
  outputDir: './test-results',
  // One product instance, one story told in order: the scenario's steps depend on each other.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 180_000,
  expect: { timeout: 20_000 },
  reporter: [['list']],
  use: {
    baseURL: serviceUrl,
    viewport: { width: 1366, height: 860 },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      // Debian's Chromium: Playwright's own browser download cannot reach its host here.
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  webServer: {
    // The real product: simulator + service on the embedded database, serving the built SPA.
    command: process.env.E2E_SERVER_COMMAND ?? 'npm run demo',
    cwd: repoRoot,
    env: {
      PORT: String(e2e.port),
      SIM_PORT: String(e2e.simPort),
      DATA_DIR: e2e.dataDir ?? '',
      ADMIN_USERNAME: e2e.adminUsername,
      ADMIN_PASSWORD: e2e.adminPassword,
    },
    // The launcher's line once the service answers /readyz (it prints the sign-in details only then).
    wait: { stdout: /adsync is ready: open http:\/\/127\.0\.0\.1:\d+/ },
    stdout: 'pipe',
    timeout: 300_000,
    reuseExistingServer: false,
  },
});
