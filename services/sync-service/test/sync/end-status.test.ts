import { endOfRun } from '../../src/features/sync/runs/end-status';

const mainFailure = { code: 'no_answer', message: 'Azure AD gave no answer for this user.', count: 2 };

describe('how a run that went through its users ends', () => {
  it('succeeds only when no user failed', () => {
    expect(endOfRun(false, { processed: 10, failed: 0, mainFailure: null })).toEqual({ status: 'succeeded' });
  });

  it('is partial up to half failed, and failed beyond, with the count and the main reason', () => {
    expect(endOfRun(false, { processed: 10, failed: 1, mainFailure: { ...mainFailure, count: 1 } })).toEqual({
      status: 'partial',
      error:
        "1 of 10 users could not be synchronized; the run's items name each one. Most often (1 user, no_answer): Azure AD gave no answer for this user.",
    });
    expect(endOfRun(false, { processed: 10, failed: 5, mainFailure }).status).toBe('partial');
    expect(endOfRun(false, { processed: 10, failed: 6, mainFailure }).status).toBe('failed');
    expect(endOfRun(false, { processed: 1, failed: 1, mainFailure }).status).toBe('failed');
  });

  it('stays blocked when its deletions were held back, still counting failed users', () => {
    expect(endOfRun(true, { processed: 10, failed: 0, mainFailure: null })).toEqual({ status: 'blocked' });
    const blocked = endOfRun(true, { processed: 10, failed: 8, mainFailure });
    expect(blocked.status).toBe('blocked');
    expect(blocked.error).toMatch(/^8 of 10 users could not be synchronized/);
  });
});
