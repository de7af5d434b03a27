import type { SimRoute } from './routes';

export interface SimStats {
  /** Top-level HTTP requests by route. */
  requests: Partial<Record<SimRoute, number>>;
  /** Requests inside $batch bodies, by the route they address. */
  batchItems: Partial<Record<SimRoute, number>>;
  resourceUnits: number;
  resourceUnitsByTenant: Record<string, number>;
  /** 429s from the resource-unit bucket (top level and batch items). */
  throttled: number;
  /** Faults injected by the fault plan. */
  faultsInjected: number;
  tokensIssued: number;
}

export class StatsRecorder {
  private current: SimStats = StatsRecorder.empty();

  private static empty(): SimStats {
    return {
      requests: {},
      batchItems: {},
      resourceUnits: 0,
      resourceUnitsByTenant: {},
      throttled: 0,
      faultsInjected: 0,
      tokensIssued: 0,
    };
  }

  request(route: SimRoute, inBatch: boolean): void {
    const counts = inBatch ? this.current.batchItems : this.current.requests;
    counts[route] = (counts[route] ?? 0) + 1;
  }

  resourceUnits(tenantId: string, units: number): void {
    this.current.resourceUnits += units;
    this.current.resourceUnitsByTenant[tenantId] =
      (this.current.resourceUnitsByTenant[tenantId] ?? 0) + units;
  }

  throttled(): void {
    this.current.throttled += 1;
  }

  fault(): void {
    this.current.faultsInjected += 1;
  }

  tokenIssued(): void {
    this.current.tokensIssued += 1;
  }

  snapshot(): SimStats {
    return structuredClone(this.current);
  }

  reset(): void {
    this.current = StatsRecorder.empty();
  }
}
