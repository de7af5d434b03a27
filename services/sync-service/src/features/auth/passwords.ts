import { hash, verify } from '@node-rs/argon2';

/** Argon2id with OWASP's minimum memory-hard parameters (19 MiB, 2 passes). */
const options = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export function hashPassword(password: string): Promise<string> {
  return hash(password, options);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/** A hash of nothing in particular, verified when the username is unknown so timing reveals nothing. */
export const decoyHash = hashPassword('decoy-password-for-unknown-usernames');
