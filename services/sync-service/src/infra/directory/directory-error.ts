import type { DirectoryFailure } from './directory-types';

/** Thrown by directory calls that answer with data (search); carries the classified failure. */
export class DirectoryError extends Error {
  constructor(readonly failure: DirectoryFailure) {
    super(failure.message);
    this.name = 'DirectoryError';
  }
}
