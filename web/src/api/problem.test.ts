import { describe, expect, it } from 'vitest';
import { ApiError, errorMessage, fieldErrors, readableProblem, toProblem } from './problem';

describe('problem details', () => {
  it('reads as sentences: title, detail, then each invalid field by name', () => {
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
      'The request is not valid. Two fields are wrong. email: must be an email address username: must not contain spaces',
    );
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
