/**
 * Small, fast, deterministic integer hashing. Seeded users are recomputed on every read, so this
 * runs millions of times while a bench pages through a large tenant: no crypto, no allocation.
 */

/** murmur3's 32-bit finaliser: good avalanche, cheap. */
export function mix32(value: number): number {
  let h = value | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A 32-bit hash of (seed, index, salt); different salts give independent streams. */
export function hashOf(seed: number, index: number, salt: number): number {
  return mix32(mix32(seed ^ Math.imul(salt + 1, 0x9e3779b9)) ^ mix32(index + Math.imul(salt, 0x7feb352d)));
}

/** Stable 32-bit seed from any string (tenant ids are strings). */
export function seedFromString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return mix32(h);
}

export function hex(value: number, width: number): string {
  return (value >>> 0).toString(16).padStart(8, '0').slice(-width);
}
