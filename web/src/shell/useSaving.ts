import { useMessage } from 'naive-ui';
import { ref } from 'vue';
import { errorMessage } from '@/api/problem';

/**
 * A form's save: `saving` while it runs, `done` as a success message when it succeeds, the problem's own words
 * when it fails (after `onFailure`, e.g. to mark the fields the server refused). Call it in `setup`.
 */
export function useSaving() {
  const message = useMessage();
  const saving = ref(false);
  async function save(action: () => Promise<unknown>, done: string, onFailure?: (error: unknown) => void) {
    saving.value = true;
    try {
      await action();
      message.success(done);
    } catch (error) {
      onFailure?.(error);
      message.error(errorMessage(error));
    } finally {
      saving.value = false;
    }
  }
  return { saving, save };
}
