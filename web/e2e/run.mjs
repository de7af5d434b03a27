// Runs the browser tests in Debian's Chromium, or says loudly that they did not run.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const CHROMIUM = '/usr/bin/chromium';

if (!existsSync(CHROMIUM)) {
  const banner = '!'.repeat(78);
  console.error(
    [
      banner,
      `!! The browser tests did NOT run: ${CHROMIUM} is not installed.`,
      '!! Install it with:  apt-get install -y chromium',
      '!! then run:         npm run test:e2e -w @adsync/web',
      banner,
    ].join('\n'),
  );
  process.exit(process.env.CI === 'true' ? 1 : 0);
}

const result = spawnSync('npx', ['playwright', 'test', ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1' },
});
process.exit(result.status ?? 1);
