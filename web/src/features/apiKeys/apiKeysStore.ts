import { defineStore } from 'pinia';
import { ref } from 'vue';
import { api, call } from '@/api/client';
import type { ApiKey, Scope } from '@/api/schemas';
import { useListLoad } from '@/shell/useListLoad';

/** Every scope, in the order offered; a scope added to the contract fails the type-check until listed. */
export const SCOPES = Object.keys({
  'users:read': true,
  'users:write': true,
  'directory:read': true,
  'directory:import': true,
  'settings:read': true,
  'settings:write': true,
  'sync:read': true,
  'sync:run': true,
  'audit:read': true,
} satisfies Record<Scope, true>) as Scope[];

/** Keys for other platform components. A new key's secret is held only until the admin dismisses it. */
export const useApiKeysStore = defineStore('apiKeys', () => {
  const apiKeys = ref<ApiKey[]>([]);
  const { loading, failure, loadedAt, track } = useListLoad();
  const newKey = ref<{ apiKey: ApiKey; key: string } | null>(null);

  async function load(): Promise<void> {
    await track(
      () => call(api.GET('/api/api-keys')),
      (answer) => {
        apiKeys.value = answer.items;
      },
    );
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
