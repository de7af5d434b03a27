import { ref } from 'vue';
import { errorMessage } from '@/api/problem';

/**
 * What every list keeps around loading its rows: whether a load is going, why the last one failed, and
 * when the rows shown were loaded. A failed load leaves the earlier rows in place, and `failure` says they
 * are no longer current (ListTable marks them so) until a load succeeds again.
 *
 * Loads may overlap (a search typed, then a column sorted before its answer came): only the latest one
 * started speaks for the list. An earlier one's answer is dropped, whenever it arrives, and so is its failure;
 * the list is loading until the latest one ends.
 */
export function useListLoad() {
  const loading = ref(false);
  const failure = ref<string | null>(null);
  const loadedAt = ref<Date | null>(null);
  let latest = 0;

  /** Runs `load` and hands its answer to `show`, unless a later load started meanwhile. */
  async function track<T>(load: () => Promise<T>, show: (answer: T) => void = () => {}): Promise<void> {
    const started = ++latest;
    loading.value = true;
    try {
      const answer = await load();
      if (started !== latest) return;
      show(answer);
      failure.value = null;
      loadedAt.value = new Date();
    } catch (error) {
      if (started !== latest) return;
      failure.value = errorMessage(error);
      throw error;
    } finally {
      if (started === latest) loading.value = false;
    }
  }

  return { loading, failure, loadedAt, track };
}
