// The simulated Azure AD tenant's admin API (services/tenant-sim, under /_sim): the test plays the
// directory administrator who changes and deletes users upstream.
import { type APIRequestContext, expect, request } from '@playwright/test';
import { simulatorUrl } from './environment';

export interface DirectoryPerson {
  id: string;
  userPrincipalName: string;
  givenName: string;
  surname: string;
  mail: string | null;
}

export class TenantSim {
  private constructor(
    private readonly api: APIRequestContext,
    readonly tenantId: string,
    readonly domain: string,
  ) {}

  static async connect(): Promise<TenantSim> {
    // The simulator serves HTTPS with its own CA, which the browser-side test process does not trust.
    const api = await request.newContext({ baseURL: simulatorUrl, ignoreHTTPSErrors: true });
    const tenants = await (await api.get('/_sim/tenants')).json();
    expect(tenants.length, 'the launcher starts one simulated tenant').toBeGreaterThan(0);
    return new TenantSim(api, tenants[0].tenantId, tenants[0].domain);
  }

  async createPerson(nickname: string, givenName: string, surname: string): Promise<DirectoryPerson> {
    const userPrincipalName = `${nickname}@${this.domain}`;
    const response = await this.api.post(`/_sim/tenants/${this.tenantId}/users`, {
      data: {
        userPrincipalName,
        mail: userPrincipalName,
        givenName,
        surname,
        displayName: `${givenName} ${surname}`,
        accountEnabled: true,
      },
    });
    expect(response.status(), await response.text()).toBe(201);
    return response.json();
  }

  async changePerson(
    id: string,
    changes: Partial<Omit<DirectoryPerson, 'id'>> & { displayName?: string; accountEnabled?: boolean },
  ) {
    const response = await this.api.patch(`/_sim/tenants/${this.tenantId}/users/${id}`, { data: changes });
    expect(response.ok(), await response.text()).toBe(true);
  }

  async deletePerson(id: string) {
    const response = await this.api.delete(`/_sim/tenants/${this.tenantId}/users/${id}`);
    expect(response.status(), await response.text()).toBe(204);
  }

  async createGroup(displayName: string, description: string): Promise<{ id: string }> {
    const response = await this.api.post(`/_sim/tenants/${this.tenantId}/groups`, {
      data: { displayName, description },
    });
    expect(response.status(), await response.text()).toBe(201);
    return response.json();
  }

  /** Adds a user or group by id, or a new device, service principal or contact. */
  async addGroupMember(groupId: string, member: { id: string } | { type: 'device'; displayName: string }) {
    const response = await this.api.post(`/_sim/tenants/${this.tenantId}/groups/${groupId}/members`, {
      data: member,
    });
    expect(response.status(), await response.text()).toBe(201);
  }

  async changeGroup(id: string, changes: { displayName?: string; description?: string | null }) {
    const response = await this.api.patch(`/_sim/tenants/${this.tenantId}/groups/${id}`, { data: changes });
    expect(response.ok(), await response.text()).toBe(true);
  }

  async removeGroupMember(groupId: string, memberId: string) {
    const response = await this.api.delete(
      `/_sim/tenants/${this.tenantId}/groups/${groupId}/members/${memberId}`,
    );
    expect(response.status(), await response.text()).toBe(204);
  }

  async deleteGroup(id: string) {
    const response = await this.api.delete(`/_sim/tenants/${this.tenantId}/groups/${id}`);
    expect(response.status(), await response.text()).toBe(204);
  }

  /** Delays every Graph answer, to watch a run while it is going. */
  async setLatency(ms: number) {
    const response = await this.api.put('/_sim/latency', { data: { ms } });
    expect(response.status(), await response.text()).toBe(204);
  }

  dispose() {
    return this.api.dispose();
  }
}
