// Where the end-to-end tests run the product: ports apart from a developer's own instance, and a
// fresh data directory so every run starts from an empty database.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Playwright loads the config in each worker too; the first load picks the directory, the rest inherit it.
process.env.ADSYNC_E2E_DATA_DIR ??= mkdtempSync(join(tmpdir(), 'adsync-e2e-'));

export const e2e = {
  port: Number(process.env.E2E_PORT ?? 3100),
  simPort: Number(process.env.E2E_SIM_PORT ?? 3543),
  dataDir: process.env.ADSYNC_E2E_DATA_DIR,
  adminUsername: 'admin',
  adminPassword: process.env.E2E_ADMIN_PASSWORD ?? 'e2e-Admin-password-1',
};

export const serviceUrl = `http://127.0.0.1:${e2e.port}`;
export const simulatorUrl = `https://127.0.0.1:${e2e.simPort}`;
