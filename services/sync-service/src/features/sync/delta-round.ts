import type { RunContext } from './runs/run-context';

/**
 * Follows one delta round page by page, users' or groups': the next page is fetched while `apply` writes or
 * stages this one, and a failed fetch is reported by the next await, not lost. Answers the round's deltaLink.
 */
export async function followDeltaRound<Page extends { deltaLink?: string }>(
  context: RunContext,
  pages: AsyncGenerator<Page>,
  apply: (page: Page) => Promise<unknown>,
): Promise<string> {
  const ahead = (promise: Promise<IteratorResult<Page>>) => {
    promise.catch(() => undefined);
    return promise;
  };
  let roundLink: string | undefined;
  try {
    let next = ahead(pages.next());
    for (;;) {
      const result = await next;
      if (result.done) break;
      next = ahead(pages.next());
      context.stopIfAsked();
      await apply(result.value);
      roundLink = result.value.deltaLink ?? roundLink;
    }
  } finally {
    await pages.return(undefined).catch(() => undefined);
  }
  if (!roundLink) throw new Error('The delta round ended without a deltaLink.');
  return roundLink;
}
