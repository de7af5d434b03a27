import type { components } from '@adsync/shared';

/** The stable reasons a problem may give: an enumeration in openapi.yaml, which clients branch on. */
export type ProblemCode = components['schemas']['ProblemCode'];

/** An error that the API reports as an RFC 9457 problem with a stable `code`. */
export class Problem extends Error {
  /** Sent as Retry-After: the seconds after which the same request may succeed. */
  retryAfterSeconds?: number;

  constructor(
    readonly status: number,
    readonly code: ProblemCode,
    readonly title: string,
    readonly detail?: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(detail ?? title);
  }

  static tooManyRequests(detail: string, retryAfterSeconds?: number): Problem {
    const problem = new Problem(429, 'too_many_requests', 'Too many requests', detail);
    problem.retryAfterSeconds = retryAfterSeconds;
    return problem;
  }

  static unavailable(code: ProblemCode, detail: string, retryAfterSeconds: number): Problem {
    const problem = new Problem(503, code, 'Service unavailable', detail);
    problem.retryAfterSeconds = retryAfterSeconds;
    return problem;
  }

  static badRequest(code: ProblemCode, detail: string, extensions?: Record<string, unknown>): Problem {
    return new Problem(400, code, 'Bad request', detail, extensions);
  }

  static unauthorized(detail = 'Sign in, or send a valid API key.'): Problem {
    return new Problem(401, 'unauthorized', 'Unauthorized', detail);
  }

  static forbidden(detail: string): Problem {
    return new Problem(403, 'forbidden', 'Forbidden', detail);
  }

  static notFound(what: string): Problem {
    return new Problem(404, 'not_found', 'Not found', `${what} does not exist.`);
  }

  static conflict(code: ProblemCode, detail: string, extensions?: Record<string, unknown>): Problem {
    return new Problem(409, code, 'Conflict', detail, extensions);
  }

  static badGateway(code: ProblemCode, detail: string): Problem {
    return new Problem(502, code, 'Azure AD request failed', detail);
  }
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  code: ProblemCode;
  detail?: string;
  instance?: string;
  requestId?: string;
  [extension: string]: unknown;
}

export function problemBody(problem: Problem, instance: string, requestId: string): ProblemBody {
  return {
    type: `about:blank#${problem.code}`,
    title: problem.title,
    status: problem.status,
    code: problem.code,
    ...(problem.detail ? { detail: problem.detail } : {}),
    instance,
    requestId,
    ...problem.extensions,
  };
}
