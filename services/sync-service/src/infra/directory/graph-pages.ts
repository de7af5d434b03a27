import { GraphSession } from './graph-session';

export interface GraphPage {
  value: unknown[];
  /** Present on the last page of a delta round: store it and call it next time. */
  deltaLink?: string;
}

/**
 * Follows `@odata.nextLink` (whole absolute URLs, never parsed) until a page has none. Pages may be
 * empty and still carry a nextLink, so emptiness never ends the walk. Full listing and delta sync
 * reuse this as is: a delta round's last page carries `deltaLink`.
 */
export async function* followPages(
  session: GraphSession,
  firstUrl: string,
  headers: Record<string, string> = {},
  signal?: AbortSignal,
): AsyncGenerator<GraphPage> {
  let url: string | undefined = firstUrl;
  while (url) {
    const pageUrl: string = url;
    const body = (await session.send(
      'page',
      (attemptSignal) =>
        session.client
          .api(pageUrl)
          .headers(headers)
          .middlewareOptions(GraphSession.noSdkRetries())
          .option('signal', attemptSignal)
          .get(),
      signal,
    )) as { value?: unknown; '@odata.nextLink'?: unknown; '@odata.deltaLink'?: unknown };
    const value = Array.isArray(body?.value) ? body.value : [];
    const deltaLink = typeof body?.['@odata.deltaLink'] === 'string' ? body['@odata.deltaLink'] : undefined;
    yield deltaLink ? { value, deltaLink } : { value };
    url = typeof body?.['@odata.nextLink'] === 'string' ? body['@odata.nextLink'] : undefined;
  }
}

/** The first `wanted` items of a listing, converted; those `convert` rejects (undefined) are skipped. */
export async function collectUpTo<T>(
  session: GraphSession,
  firstUrl: string,
  wanted: number,
  convert: (raw: unknown) => T | undefined,
): Promise<T[]> {
  const items: T[] = [];
  if (wanted <= 0) return items;
  for await (const page of followPages(session, firstUrl)) {
    for (const raw of page.value) {
      const item = convert(raw);
      if (item !== undefined) items.push(item);
      if (items.length === wanted) return items;
    }
  }
  return items;
}
