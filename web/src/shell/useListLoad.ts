import { ref } from 'vue';
import { errorMessage } from '@/api/problem';

/**
 * What every list keeps around loading its rows: whether a load is going, why the last one failed, and
 * when the rows shown were loaded. A failed load leaves the earlier rows in place, and `failure` says they
 * are no longer current (ListTable marks them so) until a load succeeds again.
 */
export function useListLoad() {
  const loading = ref(false);
  const failure = ref<string | null>(null);
  const loadedAt = ref<Date | null>(null);

  async function track<T>(load: () => Promise<T>): Promise<T> {
    loading.value = true;
    try {
      const result = await load();
      failure.value = null;
      loadedAt.value = new Date();
      return result;
    } catch (error) {
      failure.value = errorMessage(error);
      throw error;
    } finally {
      loading.value = false;
    }
  }

  return { loading, failure, loadedAt, track };
}
