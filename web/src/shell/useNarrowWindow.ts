import { onBeforeUnmount, ref } from 'vue';

/** Whether the window is narrow enough that the navigation should fold away. */
export function useNarrowWindow(maxWidthPx = 900) {
  const query = window.matchMedia(`(max-width: ${maxWidthPx}px)`);
  const narrow = ref(query.matches);
  const update = (event: MediaQueryListEvent) => {
    narrow.value = event.matches;
  };
  query.addEventListener('change', update);
  onBeforeUnmount(() => query.removeEventListener('change', update));
  return narrow;
}
