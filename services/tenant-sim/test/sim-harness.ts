import { type Simulator, type SimulatorOptions, startSimulator, type TenantOptions } from '../src';

export const TENANT: TenantOptions = {
  tenantId: '6f1c2d3e-4a5b-4c6d-8e7f-8091a2b3c4d5',
  clientId: '0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d',
  clientSecret: 'sim-secret-value-for-tests',
  domain: 'fabrikam.example',
  userCount: 250,
};

export async function startTestSimulator(
  options: Partial<SimulatorOptions> = {},
  tenant: Partial<TenantOptions> = {},
) {
  return startSimulator({ ...options, tenants: [{ ...TENANT, ...tenant }] });
}

export async function requestToken(
  sim: Simulator,
  form: Record<string, string> = {},
  tenantId = TENANT.tenantId,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${sim.authorityHost}/${tenantId}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: TENANT.clientId,
      client_secret: TENANT.clientSecret,
      scope: 'https://graph.microsoft.com/.default',
      ...form,
    }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

export async function accessToken(sim: Simulator): Promise<string> {
  const { body } = await requestToken(sim);
  return body.access_token as string;
}

export interface GraphResult {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: test assertions walk arbitrary Graph JSON
  body: any;
}

/** `pathOrUrl` is either relative to /v1.0 or an absolute nextLink. */
export async function graph(
  sim: Simulator,
  token: string | undefined,
  pathOrUrl: string,
  init: { method?: string; headers?: Record<string, string>; body?: unknown } = {},
): Promise<GraphResult> {
  const url = pathOrUrl.startsWith('https://') ? pathOrUrl : `${sim.graphBaseUrl}/v1.0${pathOrUrl}`;
  const response = await fetch(url, {
    method: init.method ?? 'GET',
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(init.body ? { 'content-type': 'application/json' } : {}),
      ...init.headers,
    },
    body: init.body ? JSON.stringify(init.body) : undefined,
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}
