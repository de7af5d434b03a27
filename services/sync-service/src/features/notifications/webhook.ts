import type { SyncRunView } from '../sync/run-view';

export interface WebhookDelivery {
  url: string;
  run: SyncRunView;
  timeoutMs: number;
}

/** Where a webhook points, for logs: its path and query may carry a token. */
export const webhookOrigin = (url: string) => new URL(url).origin;

async function postOnce({ url, run, timeoutMs }: WebhookDelivery): Promise<void> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'user-agent': 'adsync' },
    body: JSON.stringify(run),
    signal: AbortSignal.timeout(timeoutMs),
    // A redirect could carry the run to a host the administrator did not name.
    redirect: 'error',
  });
  await response.body?.cancel();
  if (!response.ok) throw new Error(`the webhook answered ${response.status}`);
}

/** POSTs the run as JSON; a failed attempt (error, timeout, non-2xx) is tried once more. */
export async function deliverWebhook(delivery: WebhookDelivery): Promise<void> {
  try {
    await postOnce(delivery);
  } catch {
    await postOnce(delivery);
  }
}
