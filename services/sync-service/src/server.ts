import path from 'node:path';
import closeWithGrace from 'close-with-grace';
import { buildApp } from './app';
import { ConfigError, loadConfig } from './config';
import { bootstrapAdministrator } from './features/auth/bootstrap';
import { applyInitialConnection } from './features/settings/azure-ad-routes';
import { loadContract } from './infra/contract/contract';
import { resolveEncryptionKey } from './infra/crypto/encryption-key';
import { SecretBox } from './infra/crypto/secret-box';
import { openDatabase } from './infra/db/database';
import { migrateToLatest } from './infra/db/migrate';

async function main() {
  const config = loadConfig();
  const database = await openDatabase({
    url: config.DATABASE_URL,
    dataDir: path.join(config.DATA_DIR, 'database'),
    poolMax: config.DATABASE_POOL_MAX,
  });
  await migrateToLatest(database);
  const encryption = resolveEncryptionKey(config.SECRET_ENCRYPTION_KEY, config.DATA_DIR);
  const app = await buildApp({
    config,
    database,
    contract: loadContract(config.OPENAPI_PATH),
    secretBox: new SecretBox(encryption.key),
  });
  if (encryption.generated) app.log.warn({ dataDir: config.DATA_DIR }, 'generated a secret encryption key');

  const administrator = await bootstrapAdministrator(
    database.knex,
    config.ADMIN_USERNAME,
    config.ADMIN_PASSWORD,
  );
  if (await applyInitialConnection(app))
    app.log.info('stored the Azure AD connection given in the environment');

  closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'shutting down after an error');
    else app.log.info({ signal }, 'shutting down');
    await app.close();
  });

  const address = await app.listen({ host: config.HOST, port: config.PORT });
  const signIn = administrator.generatedPassword
    ? `sign in as "${administrator.username}" with the generated password ${administrator.generatedPassword} (shown once)`
    : `sign in as "${administrator.username}"`;
  process.stdout.write(
    `\nadsync ready at ${address.replace('[::1]', 'localhost')}\n  ${signIn}\n  API docs: ${address}/docs\n\n`,
  );
}

main().catch((error) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : (error?.stack ?? error)}\n`);
  process.exit(1);
});
