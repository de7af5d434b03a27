import { defineStore } from 'pinia';
import { ref } from 'vue';
import { api, call } from '@/api/client';
import type { ApiKey, Scope } from '@/api/schemas';
import { useListLoad } from '@/shell/useListLoad';

/** Every scope and what it allows; a scope added to the contract fails the type-check until described. */
export const SCOPE_DESCRIPTIONS: Record<Scope, string> = {
  'users:read': 'Read users',
  'users:write': 'Create, change and delete local users',
  'directory:read': 'Search the Azure AD tenant',
  'directory:import': 'Import users from Azure AD',
  'settings:read': 'Read the connection and the sync policy',
  'settings:write': 'Change the connection and the sync policy',
  'sync:read': 'Read synchronization runs',
  'sync:run': 'Start and confirm synchronizations',
  'audit:read': 'Read the audit log',
};

/** Keys for other platform components. A new key's secret is held only until the admin dismisses it. */
export const useApiKeysStore = defineStore('apiKeys', () => {
  const apiKeys = ref<ApiKey[]>([]);
  const { loading, failure, loadedAt, track } = useListLoad();
  const newKey = ref<{ apiKey: ApiKey; key: string } | null>(null);

  async function load(): Promise<void> {
    apiKeys.value = (await track(() => call(api.GET('/api/api-keys')))).items;
  }

  async function create(name: string, scopes: Scope[]): Promise<void> {
    newKey.value = await call(api.POST('/api/api-keys', { body: { name, scopes } }));
    await load();
  }

  async function revoke(id: string): Promise<void> {
    await call(api.DELETE('/api/api-keys/{id}', { params: { path: { id } } }));
    await load();
  }

  function forgetNewKey(): void {
    newKey.value = null;
  }

  return { apiKeys, loading, failure, loadedAt, newKey, load, create, revoke, forgetNewKey };
});
