import { describe, expect, it } from 'vitest';
import { ApiError, errorMessage, fieldErrors, readableProblem, toProblem } from './problem';

describe('problem details', () => {
  it("reads as sentences: the catalogue's words for the code, then each invalid field by name", () => {
    const text = readableProblem({
      type: 'about:blank',
      status: 400,
      code: 'validation_failed',
      title: 'The request is not valid',
      detail: 'Two fields are wrong',
      errors: [
        { path: '/body/email', message: 'must be an email address' },
        { path: 'body.username', message: 'must not contain spaces' },
      ],
    });
    expect(text).toBe(
      'Some of the values are not valid. email: must be an email address username: must not contain spaces',
    );
  });

  it("adds the server's detail where it carries what the catalogue cannot know", () => {
    const problem = { type: 'about:blank', status: 400, title: 'Bad request' } as const;
    expect(readableProblem({ ...problem, code: 'invalid_cron', detail: 'minute 61 is out of range' })).toBe(
      'The cron expression is not valid. minute 61 is out of range.',
    );
    expect(readableProblem({ ...problem, code: 'sync_already_running', detail: 'Run 7 is running' })).toBe(
      'A synchronization is already running.',
    );
  });

  it("falls back to the server's title and detail for a code the catalogue lacks", () => {
    const problem = { type: 'about:blank', status: 400, title: 'Bad request', detail: 'Mystery' };
    expect(readableProblem({ ...problem, code: 'brand_new_code' as never })).toBe('Bad request. Mystery.');
  });

  it('maps field errors to form fields, first message per field', () => {
    expect(
      fieldErrors({
        type: 'about:blank',
        status: 400,
        code: 'validation_failed',
        title: 'Invalid',
        errors: [
          { path: '/body/email', message: 'first' },
          { path: '/body/email', message: 'second' },
        ],
      }),
    ).toEqual({ email: 'first' });
  });

  it('gives a form field its own words instead of a schema message, and a code without paths its field', () => {
    const plain = (field: string) => (field === 'tenantId' ? 'A tenant ID is a GUID or a domain.' : null);
    const refused = (code: 'validation_failed' | 'host_not_allowed', message: string) => ({
      type: 'about:blank',
      status: 400,
      code,
      title: 'Invalid',
      errors: [
        { path: '/tenantId', message },
        { path: '/clientId', message },
      ],
    });
    expect(fieldErrors(refused('validation_failed', 'must match pattern "^[A-Za-z]+$"'), { plain })).toEqual({
      tenantId: 'A tenant ID is a GUID or a domain.',
      clientId: 'This value is not accepted.',
    });
    // The service's own sentences stay.
    expect(fieldErrors(refused('host_not_allowed', 'evil.example is not allowed'), { plain })).toEqual({
      tenantId: 'evil.example is not allowed',
      clientId: 'evil.example is not allowed',
    });
    const cronRefusal = {
      type: 'about:blank',
      status: 400,
      code: 'invalid_cron' as const,
      title: 'Bad request',
      detail: 'The cron expression is not valid: CronPattern: invalid configuration format',
    };
    expect(fieldErrors(cronRefusal, { fieldOfCode: { invalid_cron: 'cron' } })).toEqual({
      cron: cronRefusal.detail,
    });
    expect(
      fieldErrors(cronRefusal, { fieldOfCode: { invalid_cron: 'cron' }, plain: () => 'Write five fields.' }),
    ).toEqual({ cron: 'Write five fields.' });
  });

  it('never shows a raw body that is not a problem (a proxy HTML page, an empty answer)', () => {
    const problem = toProblem(502, '<html>Bad gateway</html>');
    expect(problem.code).toBe('service_unavailable');
    expect(new ApiError(502, problem).message).not.toContain('<html>');
    expect(toProblem(418, undefined).title).toBe('The request failed (HTTP 418).');
  });

  it('explains a network failure in words', () => {
    expect(errorMessage(new TypeError('Failed to fetch'))).toMatch(/cannot be reached/);
  });
});
