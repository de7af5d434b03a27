import type { SimRoute } from './routes';

/**
 * A fault to inject. `status` answers a Graph error (5xx or other), `throttle` a 429 with
 * Retry-After, `hang` never answers (the client must time out), `reset` destroys the connection.
 * On the token route, `status` answers an Entra-style server error.
 */
export interface FaultRule {
  route: SimRoute | '*';
  kind: 'status' | 'throttle' | 'hang' | 'reset';
  /** HTTP status for `status` faults (default 503). */
  status?: number;
  /** Seconds for `throttle` faults (default 1; fractional allowed). */
  retryAfterSeconds?: number;
  /** Probability 0..1 that a matching request is hit (default 1). */
  rate?: number;
  /** How many more requests to hit before the rule retires (default: unlimited). */
  times?: number;
  /** Let this many matching requests through first (e.g. 2: the third page of a member list fails). */
  skip?: number;
  /** Only requests whose path+query contains this text (e.g. one user's id). */
  match?: string;
  /** Only requests of this tenant. */
  tenantId?: string;
}

export type InjectedFault = Required<Pick<FaultRule, 'kind'>> & { status: number; retryAfterSeconds: number };

export class FaultPlan {
  private rules: FaultRule[] = [];

  set(rules: FaultRule[]): void {
    this.rules = rules.map((rule) => ({ ...rule }));
  }

  add(rule: FaultRule): void {
    this.rules.push({ ...rule });
  }

  clear(): void {
    this.rules = [];
  }

  list(): FaultRule[] {
    return this.rules.map((rule) => ({ ...rule }));
  }

  /** The fault this request suffers, if any; consumes one of the rule's `times`. */
  pick(route: SimRoute, target: string, tenantId: string | undefined): InjectedFault | undefined {
    for (const rule of this.rules) {
      if (rule.route !== '*' && rule.route !== route) continue;
      if (rule.tenantId !== undefined && rule.tenantId !== tenantId) continue;
      if (rule.match !== undefined && !target.toLowerCase().includes(rule.match.toLowerCase())) continue;
      if (rule.times !== undefined && rule.times <= 0) continue;
      if (rule.skip !== undefined && rule.skip > 0) {
        rule.skip -= 1;
        continue;
      }
      if (Math.random() >= (rule.rate ?? 1)) continue;
      if (rule.times !== undefined) rule.times -= 1;
      return { kind: rule.kind, status: rule.status ?? 503, retryAfterSeconds: rule.retryAfterSeconds ?? 1 };
    }
    return undefined;
  }
}

/** Fixed latency per route, '*' for all; applied before a request is answered. */
export class LatencyPlan {
  private readonly byRoute = new Map<SimRoute | '*', number>();

  set(ms: number, route: SimRoute | '*' = '*'): void {
    if (ms <= 0) this.byRoute.delete(route);
    else this.byRoute.set(route, ms);
  }

  clear(): void {
    this.byRoute.clear();
  }

  for(route: SimRoute): number {
    return this.byRoute.get(route) ?? this.byRoute.get('*') ?? 0;
  }
}
