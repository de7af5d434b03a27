// Runs a command against a fresh database on the PostgreSQL server named by DATABASE_URL, dropped
// afterwards; without DATABASE_URL the command runs as it is (embedded database).
const { spawnSync } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const { Client } = require('pg');

async function main() {
  const [command, ...args] = process.argv.slice(2);
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) process.exit(spawnSync(command, args, { stdio: 'inherit' }).status ?? 1);
  const name = `adsync_e2e_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const result = spawnSync(command, args, {
    stdio: 'inherit',
    env: { ...process.env, DATABASE_URL: url.toString() },
  });
  await admin.query(`drop database if exists ${name} with (force)`);
  await admin.end();
  process.exit(result.status ?? 1);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
