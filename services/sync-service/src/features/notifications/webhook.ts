import { OutboundRefusal } from '../../infra/outbound/address-policy';
import type { GuardedTransport } from '../../infra/outbound/guarded-transport';
import type { SyncRunView } from '../sync/runs/run-view';

export interface WebhookDelivery {
  url: string;
  run: SyncRunView;
  timeoutMs: number;
  /** The outbound policy, checked again here: a name may resolve elsewhere now than when it was saved. */
  transport: GuardedTransport;
}

/** Why a webhook URL is refused (scheme, an address written in it, localhost), or undefined. */
export function webhookRefusal(url: string, transport: GuardedTransport): string | undefined {
  const { policy } = transport;
  return policy.urlRefusal(new URL(url), policy.allowHttpWebhooks);
}

/** Where a webhook points, for logs: its path and query may carry a token. */
export const webhookOrigin = (url: string) => new URL(url).origin;

async function postOnce({ url, run, timeoutMs, transport }: WebhookDelivery): Promise<void> {
  const refusal = webhookRefusal(url, transport);
  if (refusal) throw new OutboundRefusal(refusal);
  const response = await transport.fetch(url, {
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
  } catch (error) {
    const cause = (error as { cause?: unknown }).cause;
    // A refused destination stays refused: it is not tried again.
    if (error instanceof OutboundRefusal) throw error;
    if (cause instanceof OutboundRefusal) throw cause;
    await postOnce(delivery);
  }
}
