import { hashOf, hex } from './hashing';

/**
 * Object ids of seeded users: GUID-shaped, with a hash-derived prefix (so ids look random) and the
 * user's index in the last 12 hex digits (so the directory never needs an id → index table).
 * A candidate id is only accepted when its prefix re-hashes to the same value, which keeps
 * "unknown id" answers honest instead of resolving any id that happens to end in a small number.
 */
const SEEDED_ID = /^([0-9a-f]{8})-([0-9a-f]{4})-4([0-9a-f]{3})-([89ab][0-9a-f]{3})-([0-9a-f]{12})$/;
const MAX_INDEX = 2 ** 40;

export function seededUserId(seed: number, index: number): string {
  const a = hashOf(seed, index, 11);
  const b = hashOf(seed, index, 12);
  const c = hashOf(seed, index, 13);
  const variant = (8 + (c & 3)).toString(16);
  return `${hex(a, 8)}-${hex(b, 4)}-4${hex(b >>> 16, 3)}-${variant}${hex(c >>> 8, 3)}-${index.toString(16).padStart(12, '0')}`;
}

/** The index encoded in `id`, or undefined when `id` is not a seeded id of this seed. */
export function indexOfSeededId(seed: number, id: string): number | undefined {
  const match = SEEDED_ID.exec(id.toLowerCase());
  if (!match) return undefined;
  const index = Number.parseInt(match[5], 16);
  if (!Number.isSafeInteger(index) || index >= MAX_INDEX) return undefined;
  return seededUserId(seed, index) === id.toLowerCase() ? index : undefined;
}
