import { classifyFailure } from '../../src/infra/directory/failure-classification';
import { retryDelayMs } from '../../src/infra/directory/retry-delay';

describe('classifyFailure', () => {
  it.each([
    [429, undefined, 'throttled', 'transient', true],
    [503, 'serviceNotAvailable', 'service_unavailable', 'transient', true],
    [504, undefined, 'service_unavailable', 'transient', true],
    [500, 'UnknownError', 'server_error', 'transient', false],
    [401, 'InvalidAuthenticationToken', 'unauthorized', 'configuration', false],
    [403, 'Authorization_RequestDenied', 'missing_permission', 'configuration', false],
    [404, 'Request_ResourceNotFound', 'not_found', 'unknown', false],
    [404, 'SomethingElse', 'unexpected_response', 'unknown', false],
    [400, 'Request_BadRequest', 'bad_request', 'unknown', false],
  ])('Graph %i %s → %s', (status, graphCode, code, category, retryable) => {
    expect(classifyFailure({ kind: 'graph', status, graphCode })).toMatchObject({
      code,
      category,
      retryable,
      status,
    });
  });

  it.each([
    [[90002], 'tenant_not_found'],
    [[700016], 'invalid_client'],
    [[7000215], 'invalid_secret'],
    [[7000222], 'invalid_secret'],
    [[50126], 'authentication_failed'],
  ])('authority AADSTS %j → %s, a configuration failure', (aadstsCodes, code) => {
    expect(classifyFailure({ kind: 'authority', status: 400, aadstsCodes })).toMatchObject({
      code,
      category: 'configuration',
      retryable: false,
    });
  });

  it('treats an unavailable or unreachable authority as transient', () => {
    expect(classifyFailure({ kind: 'authority', status: 503, aadstsCodes: [] })).toMatchObject({
      code: 'authority_unavailable',
      category: 'transient',
    });
    const refused = classifyFailure({ kind: 'authorityUnreachable', transportCode: 'ECONNREFUSED' });
    expect(refused).toMatchObject({ code: 'unreachable', category: 'transient' });
    // Which ports are open is not told: refused, reset and "not TLS" read the same.
    for (const transportCode of ['ECONNRESET', 'EPROTO', undefined])
      expect(classifyFailure({ kind: 'authorityUnreachable', transportCode })).toEqual(refused);
    expect(refused.message).not.toMatch(/ECONN|EPROTO/);
  });

  it('never reports a transport failure as not_found', () => {
    for (const evidence of [{ kind: 'timeout' }, { kind: 'network' }, { kind: 'cancelled' }] as const) {
      expect(classifyFailure(evidence).code).not.toBe('not_found');
      expect(classifyFailure(evidence).category).toBe('transient');
    }
  });
});

describe('retryDelayMs', () => {
  it('honours a fractional Retry-After in seconds', () => {
    expect(retryDelayMs(0, '2.128')).toBe(2128);
  });

  it('honours an HTTP-date Retry-After', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(retryDelayMs(0, 'Wed, 01 Jan 2025 00:00:03 GMT', now)).toBe(3000);
  });

  it('backs off exponentially with jitter when there is none', () => {
    for (let attempt = 0; attempt < 4; attempt++) {
      const delay = retryDelayMs(attempt, null);
      expect(delay).toBeGreaterThanOrEqual(250 * 2 ** attempt);
      expect(delay).toBeLessThanOrEqual(500 * 2 ** attempt);
    }
  });
});
