/**
 * Graph's identity-service throttling: a token bucket of resource units per app+tenant refilled
 * over a 10-second window. Continuous refill makes Retry-After naturally fractional, as Graph's is.
 */
export class ResourceUnitBucket {
  private available: number;
  private refilledAt: number;

  constructor(
    private limitPer10s: number,
    private readonly now: () => number = Date.now,
  ) {
    this.available = limitPer10s;
    this.refilledAt = now();
  }

  get limit(): number {
    return this.limitPer10s;
  }

  setLimit(limitPer10s: number): void {
    this.limitPer10s = limitPer10s;
    this.available = limitPer10s;
    this.refilledAt = this.now();
  }

  /** Takes `cost` units, or says how long until they would be there. */
  take(cost: number): { ok: true; usedPercent: number } | { ok: false; retryAfterSeconds: number } {
    this.refill();
    if (this.available >= cost) {
      this.available -= cost;
      return { ok: true, usedPercent: ((this.limitPer10s - this.available) / this.limitPer10s) * 100 };
    }
    const perMs = this.limitPer10s / 10_000;
    return { ok: false, retryAfterSeconds: (cost - this.available) / perMs / 1000 };
  }

  private refill(): void {
    const now = this.now();
    const perMs = this.limitPer10s / 10_000;
    this.available = Math.min(this.limitPer10s, this.available + (now - this.refilledAt) * perMs);
    this.refilledAt = now;
  }
}

/** The documented per-tenant limits by tenant size (RU per 10 s). */
export function limitForTenantSize(userCount: number): number {
  if (userCount < 50) return 3_500;
  if (userCount <= 500) return 5_000;
  return 8_000;
}
