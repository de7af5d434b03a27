import { useMessage, useNotification } from 'naive-ui';
import { ref } from 'vue';
import { errorMessage } from '@/api/problem';
import type { SyncSelection } from '@/api/schemas';
import { describeRequester, describeSelection } from '@/features/syncRuns/runLabels';
import { t } from '@/i18n';
import { formatDateTime } from '@/shell/format';
import { useSyncStore } from './syncStore';

/** Who started the run already going, when, and for whom: what the "already running" sentence names. */
export type RunningRunWords = Record<'requester' | 'at' | 'selection', string>;

/**
 * Starting a run from a page: `starting` while the request is out, and a clear word when another run was
 * already going (the service answers 409 and the page follows that run instead). `alreadyRunning` words
 * it for the page: who started the other run, and what the administrator can do once it ends. Call it in
 * `setup`.
 */
export function useStartRun() {
  const sync = useSyncStore();
  const message = useMessage();
  const notification = useNotification();
  const starting = ref(false);

  async function startRun(
    selection: SyncSelection,
    dryRun: boolean,
    alreadyRunning: (running: RunningRunWords) => string,
  ): Promise<void> {
    starting.value = true;
    try {
      const outcome = await sync.start(selection, dryRun);
      if (outcome.alreadyRunning) {
        const { run } = outcome;
        notification.warning({
          title: t('sync.page.alreadyRunningTitle'),
          content: alreadyRunning({
            requester: describeRequester(run),
            at: formatDateTime(run.startedAt ?? run.createdAt),
            selection: describeSelection(run).toLowerCase(),
          }),
          duration: 10000,
        });
      }
    } catch (error) {
      message.error(errorMessage(error));
    } finally {
      starting.value = false;
    }
  }

  return { starting, startRun };
}
