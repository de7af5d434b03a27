export const allScopes = [
  'users:read',
  'users:write',
  'directory:read',
  'directory:import',
  'settings:read',
  'settings:write',
  'sync:read',
  'sync:run',
  'audit:read',
] as const;

export type Scope = (typeof allScopes)[number];

/** Who is calling: a signed-in administrator (every scope) or an API key (its scopes). */
export interface Identity {
  kind: 'administrator' | 'apiKey';
  id: string;
  name: string;
  scopes: Scope[];
  sessionId?: string;
  sessionExpiresAt?: Date;
}

export interface Actor {
  kind: 'administrator' | 'apiKey' | 'schedule' | 'system';
  id: string | null;
  name: string;
}

/** Who may start a sync run: anyone but the system itself, which only records (SyncRun.requestedBy). */
export type RunRequester = Actor & { kind: Exclude<Actor['kind'], 'system'> };

export function actorOf(identity: Identity): RunRequester {
  return { kind: identity.kind, id: identity.id, name: identity.name };
}
