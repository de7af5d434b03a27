import { defineStore } from 'pinia';
import { ref } from 'vue';
import { api, call } from '@/api/client';
import type {
  AzureAdConnectionValues,
  AzureAdSettings,
  AzureAdSettingsInput,
  ConnectionTestResult,
  SyncPolicy,
} from '@/api/schemas';

/** The Azure AD connection (its secret is write-only) and the sync policy. */
export const useSettingsStore = defineStore('settings', () => {
  const azureAd = ref<AzureAdSettings | null>(null);
  const policy = ref<SyncPolicy | null>(null);
  const connectionTest = ref<ConnectionTestResult | null>(null);
  const testingConnection = ref(false);

  async function load(): Promise<void> {
    const [connection, syncPolicy] = await Promise.all([
      call(api.GET('/api/settings/azure-ad')),
      call(api.GET('/api/settings/sync')),
    ]);
    azureAd.value = connection;
    policy.value = syncPolicy;
  }

  async function saveAzureAd(input: AzureAdSettingsInput): Promise<void> {
    azureAd.value = await call(api.PUT('/api/settings/azure-ad', { body: input }));
    // A test result describes the connection as it was; it no longer applies.
    connectionTest.value = null;
  }

  /** Tests the values on screen (over the stored ones) without storing them. */
  async function testConnection(onScreen: AzureAdConnectionValues = {}): Promise<ConnectionTestResult> {
    testingConnection.value = true;
    connectionTest.value = null;
    try {
      connectionTest.value = await call(api.POST('/api/settings/azure-ad/test', { body: onScreen }));
      return connectionTest.value;
    } finally {
      testingConnection.value = false;
    }
  }

  async function savePolicy(next: SyncPolicy): Promise<void> {
    policy.value = await call(api.PUT('/api/settings/sync', { body: next }));
  }

  return {
    azureAd,
    policy,
    connectionTest,
    testingConnection,
    load,
    saveAzureAd,
    testConnection,
    savePolicy,
  };
});
