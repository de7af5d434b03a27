import type { AccessToken, TokenCredential } from '@azure/identity';
import { RenewableCredential } from '../../src/infra/directory/renewable-credential';

/** Credentials that count their token requests and answer when the test says so. */
function credentials() {
  const created: Array<{ requests: number; answer: (token: string) => void }> = [];
  const create = (): TokenCredential => {
    const record = { requests: 0, answer: (_token: string) => {} };
    created.push(record);
    return {
      getToken: () => {
        record.requests += 1;
        return new Promise<AccessToken>((resolve) => {
          record.answer = (token) => resolve({ token, expiresOnTimestamp: Date.now() + 3_600_000 });
        });
      },
    };
  };
  return { created, create };
}

describe('RenewableCredential', () => {
  it('shares one token request among the requests in flight together', async () => {
    const { created, create } = credentials();
    const tokens = new RenewableCredential(create);
    const waiting = Array.from({ length: 8 }, () => tokens.getToken('scope'));
    created[0].answer('first');
    expect((await Promise.all(waiting)).map((token) => token?.token)).toEqual(Array(8).fill('first'));
    expect(created[0].requests).toBe(1);
  });

  it('renews once for all the requests a token was refused to, and asks the new credential', async () => {
    const { created, create } = credentials();
    const tokens = new RenewableCredential(create);
    const refusedGeneration = tokens.generation;
    // Eight requests refused with the same token: one renewal.
    for (let index = 0; index < 8; index += 1) tokens.renew(refusedGeneration);
    expect(created).toHaveLength(2);
    expect(tokens.generation).toBe(refusedGeneration + 1);
    const next = tokens.getToken('scope');
    created[1].answer('second');
    expect((await next)?.token).toBe('second');
    expect(created[0].requests).toBe(0);
  });

  it('does not let a token request of the old credential settle the new one', async () => {
    const { created, create } = credentials();
    const tokens = new RenewableCredential(create);
    const old = tokens.getToken('scope');
    tokens.renew(tokens.generation);
    const fresh = tokens.getToken('scope');
    created[0].answer('old');
    await old;
    // The new credential's request is still the one in flight: a third caller joins it.
    const joining = tokens.getToken('scope');
    created[1].answer('new');
    expect([(await fresh)?.token, (await joining)?.token]).toEqual(['new', 'new']);
    expect(created[1].requests).toBe(1);
  });
});
