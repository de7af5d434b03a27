import { defineStore } from 'pinia';
import { ref } from 'vue';
import { api, call } from '@/api/client';
import type { SyncSchedule, SyncScheduleInput } from '@/api/schemas';

/** The schedule of whole-directory syncs and who is told when a scheduled run ends. */
export const useScheduleStore = defineStore('schedule', () => {
  const schedule = ref<SyncSchedule | null>(null);

  async function load(): Promise<void> {
    schedule.value = await call(api.GET('/api/sync/schedule'));
  }

  async function save(input: SyncScheduleInput): Promise<void> {
    schedule.value = await call(api.PUT('/api/sync/schedule', { body: input }));
  }

  return { schedule, load, save };
});
