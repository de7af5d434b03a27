import readline from 'node:readline';
import { openDatabase } from '../../src/infra/db/database';
import { migrateToLatest } from '../../src/infra/db/migrate';

/**
 * A migrator in a process of its own, as each instance is on start (`npm run migrate` and src/server.ts open
 * the database and call migrateToLatest the same way). It migrates the database of each URL read from
 * stdin, and answers one line (`migrator answers: ` and JSON): the migrations it applied, or the error. Started once and reused, so
 * the processes of one round begin together instead of waiting for their own start-up.
 */
async function main() {
  for await (const url of readline.createInterface({ input: process.stdin })) {
    let answer: { applied: string[] } | { error: string };
    try {
      const database = await openDatabase({ url, dataDir: 'unused', poolMax: 10 });
      try {
        answer = { applied: await migrateToLatest(database) };
      } finally {
        await database.close();
      }
    } catch (error) {
      answer = { error: (error as Error).message };
    }
    process.stdout.write(`migrator answers: ${JSON.stringify(answer)}\n`);
  }
}

void main();
