import { useDialog, useMessage } from 'naive-ui';
import { h, nextTick } from 'vue';
import { errorMessage } from '@/api/problem';
import { t } from '@/i18n';

interface Confirmation {
  title: string;
  content: string;
  /** The verb of the button that goes ahead ("Delete", "Revoke"). */
  positiveText: string;
  /** What the button does once pressed. */
  action: () => Promise<unknown>;
  /** Said once the action succeeded; a failure is said in the problem's own words. */
  done: string;
}

let shown = 0;

/**
 * Asks before an action that cannot be undone, then does it and says how it went. Naive UI's dialog has role="dialog" but no accessible name,
 * and takes no attributes: once it is in the page, it is named by its title. Focus goes back to the button
 * that asked; when the action removed that button (a revoked key, a deleted user), to the page's main
 * content rather than to nowhere.
 */
export function useConfirmation() {
  const dialog = useDialog();
  const message = useMessage();
  return ({ action, done, ...confirmation }: Confirmation) => {
    shown += 1;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const titleId = `confirmation-title-${shown}`;
    const nameDialog = () =>
      document.getElementById(titleId)?.closest('[role="dialog"]')?.setAttribute('aria-labelledby', titleId);
    dialog.warning({
      ...confirmation,
      title: () => h('span', { id: titleId }, confirmation.title),
      onPositiveClick: async () => {
        try {
          await action();
          message.success(done);
        } catch (error) {
          message.error(errorMessage(error));
        }
      },
      negativeText: t('shell.confirm.cancel'),
      onAfterEnter: nameDialog,
      onAfterLeave: () => {
        if (!opener?.isConnected) document.getElementById('main-content')?.focus();
      },
    });
    void nextTick(nameDialog);
  };
}
