import path from 'node:path';
import { loadConfig } from '../config';
import { openDatabase } from '../infra/db/database';
import { migrateToLatest, rollbackAll } from '../infra/db/migrate';

/** `npm run migrate` applies pending migrations; `npm run migrate -- down` reverts them all. */
async function main() {
  const config = loadConfig();
  const database = await openDatabase({
    url: config.DATABASE_URL,
    dataDir: path.join(config.DATA_DIR, 'database'),
  });
  try {
    const names = process.argv[2] === 'down' ? await rollbackAll(database) : await migrateToLatest(database);
    process.stdout.write(
      names.length
        ? `${process.argv[2] === 'down' ? 'reverted' : 'applied'}: ${names.join(', ')}\n`
        : 'nothing to do\n',
    );
  } finally {
    await database.close();
  }
}

main().catch((error) => {
  process.stderr.write(`${error?.message ?? error}\n`);
  process.exit(1);
});
