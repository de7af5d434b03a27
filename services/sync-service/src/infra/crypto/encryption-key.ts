import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * The key comes from SECRET_ENCRYPTION_KEY; without it, one is generated once into the data directory
 * (readable by the owner only). Several instances on one database must share the configured key.
 */
export function resolveEncryptionKey(
  configured: string | undefined,
  dataDir: string,
): { key: Buffer; generated: boolean } {
  if (configured) return { key: Buffer.from(configured, 'base64'), generated: false };
  const file = path.join(dataDir, 'secret-encryption.key');
  if (fs.existsSync(file))
    return { key: Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64'), generated: false };
  fs.mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32);
  fs.writeFileSync(file, key.toString('base64'), { mode: 0o600 });
  return { key, generated: true };
}
