import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { assertAdministratorPassword } from '../../config';
import { hashPassword } from './passwords';
import { countAdministrators, findAdministratorByUsername, insertAdministrator } from './repository';

export interface BootstrapResult {
  username: string;
  /** Set only when the password was generated now: it is shown once and never stored in clear. */
  generatedPassword?: string;
  created: boolean;
}

/**
 * The first administrator comes from ADMIN_USERNAME / ADMIN_PASSWORD; without a password, one is generated
 * on the first start. A configured password is (re)applied on every start so an operator can reset it; one
 * that the password policy refuses stops the start with the reason.
 */
export async function bootstrapAdministrator(
  db: Knex,
  username: string,
  password?: string,
): Promise<BootstrapResult> {
  if (password !== undefined) assertAdministratorPassword(password, username);
  const existing = await findAdministratorByUsername(db, username);
  if (existing) {
    if (password)
      await db('administrators')
        .where({ id: existing.id })
        .update({ password_hash: await hashPassword(password) });
    return { username: existing.username, created: false };
  }
  if (!password && (await countAdministrators(db)) > 0) return { username, created: false };
  const chosen = password ?? randomBytes(12).toString('base64url');
  await insertAdministrator(db, username, await hashPassword(chosen));
  return { username, created: true, ...(password ? {} : { generatedPassword: chosen }) };
}
