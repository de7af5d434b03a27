import { useMessage } from 'naive-ui';
import { ref } from 'vue';
import { errorMessage } from '@/api/problem';
import { t } from '@/i18n';

/**
 * A form's save: `saving` while it runs, `done` as a success message when it succeeds, the problem's own words
 * when it fails. `onFailure` may show the failure at the fields the server refused and answer true: the
 * message then points there instead of repeating each field's words.
 */
export function useSaving() {
  const message = useMessage();
  const saving = ref(false);
  async function save(
    action: () => Promise<unknown>,
    done: string,
    onFailure?: (error: unknown) => boolean | undefined,
  ) {
    saving.value = true;
    try {
      await action();
      message.success(done);
    } catch (error) {
      const atFields = onFailure?.(error) === true;
      message.error(atFields ? t('shell.form.notSaved') : errorMessage(error));
    } finally {
      saving.value = false;
    }
  }
  return { saving, save };
}
