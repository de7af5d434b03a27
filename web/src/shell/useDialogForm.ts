import { reactive, ref, watch } from 'vue';
import { ApiError, fieldErrors } from '@/api/problem';
import { useSaving } from './useSaving';

/**
 * The form of a dialog that creates a thing or edits the one it is given (FormDialog.vue): filled from
 * `initial` each time the dialog opens, saved with useSaving and then closed (`close`), the fields the server
 * refused marked with its words (`feedback`).
 */
export function useDialogForm<Form extends object, Edited>(
  opened: () => readonly [show: boolean, edited: Edited | null],
  initial: (edited: Edited | null) => Form,
  close: () => void,
) {
  const form = reactive({ ...initial(null) }) as Form;
  const invalid = ref<Record<string, string>>({});
  const { saving, save } = useSaving();

  watch(opened, ([show, edited]) => {
    if (!show) return;
    invalid.value = {};
    Object.assign(form, initial(edited));
  });

  function submit(action: () => Promise<unknown>, done: string) {
    invalid.value = {};
    const saveAndClose = async () => {
      await action();
      close();
    };
    return save(saveAndClose, done, (error) => {
      if (error instanceof ApiError) invalid.value = fieldErrors(error.problem);
      return Object.keys(invalid.value).length > 0;
    });
  }

  /** A form item's props: the server's words for its field, and its error state. */
  function feedback(field: string) {
    return {
      feedback: invalid.value[field],
      validationStatus: invalid.value[field] ? ('error' as const) : undefined,
    };
  }

  return { form, saving, submit, feedback };
}
