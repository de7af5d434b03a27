import { useMessage } from 'naive-ui';
import { computed, nextTick, onBeforeUnmount, onMounted, ref, watch } from 'vue';
import { errorMessage } from '@/api/problem';
import type { SyncSelection } from '@/api/schemas';
import { t } from '@/i18n';
import { resultTitle, summarizeRun } from './runSummary';
import { useSyncStore } from './syncStore';
import { type RunningRunWords, useStartRun } from './useStartRun';

const SEARCH_DELAY_MS = 300;

/** The list a synchronization page chooses from: imported users, or imported groups. */
export interface SyncPageList {
  search: string;
  hasSelection: boolean;
  selection: SyncSelection | null;
  list: { load(): Promise<void> };
  setSearch(text: string): Promise<void>;
  clearSelection(): void;
}

/**
 * What the synchronization pages share around their list: the search typed (sent after a pause), the
 * dry-run box, Synchronize, the result said once to assistive technology, focus handed back when the
 * result dialog closes, and the list reloaded after a run that changed it. Call it in `setup`.
 */
export function useSyncPage(source: SyncPageList) {
  const sync = useSyncStore();
  const message = useMessage();
  const { starting, startRun } = useStartRun();
  const searchText = ref(source.search);
  const dryRun = ref(false);
  /** The last result, said once to assistive technology as the dialog opens. */
  const announcement = ref('');
  const synchronizeButton = ref<{ $el: HTMLElement } | null>(null);
  const searchBox = ref<{ focus(): void } | null>(null);
  let searchTimer: ReturnType<typeof setTimeout> | undefined;

  const canSynchronize = computed(() => source.hasSelection && !sync.activeRun && !starting.value);

  function report(error: unknown) {
    message.error(errorMessage(error));
  }

  onMounted(() => {
    source.list.load().catch(report);
  });
  onBeforeUnmount(() => clearTimeout(searchTimer));

  watch(searchText, (text) => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => source.setSearch(text).catch(report), SEARCH_DELAY_MS);
  });

  // The result dialog opened while Synchronize was disabled by the run, so the dialog cannot hand focus back
  // by itself: it goes back to Synchronize, or to the search when the cleared selection leaves it disabled.
  watch(
    () => sync.finishedRun,
    async (run, previous) => {
      if (run) {
        announcement.value = `${resultTitle(run)}. ${summarizeRun(run)}`;
        return;
      }
      if (!previous) return;
      await nextTick();
      const button = synchronizeButton.value?.$el;
      if (button && !button.hasAttribute('disabled')) button.focus();
      else searchBox.value?.focus();
    },
  );

  // A run that changed the list makes the shown page stale, and its selection may name deleted rows.
  watch(
    () => sync.finishedRun,
    (run) => {
      if (run && !run.dryRun && run.status !== 'blocked') {
        source.clearSelection();
        source.list.load().catch(report);
      }
    },
  );

  function synchronize() {
    const selection = source.selection;
    if (selection) {
      void startRun(selection, dryRun.value, (named: RunningRunWords) =>
        t('sync.page.alreadyRunning', named),
      );
    }
  }

  return {
    sync,
    searchText,
    dryRun,
    starting,
    canSynchronize,
    announcement,
    synchronizeButton,
    searchBox,
    report,
    synchronize,
  };
}
