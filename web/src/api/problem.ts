import { i18n, t } from '@/i18n';
import type { Problem, ProblemCode } from './schemas';

/** An error answer of the API, carrying its RFC 9457 problem details. */
export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem;

  constructor(status: number, problem: Problem) {
    super(readableProblem(problem));
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem;
  }

  /** The contract's enumeration: a branch on a code the API never sends does not compile. */
  get code(): ProblemCode {
    return this.problem.code;
  }
}

/**
 * Turns whatever an error response carried into a problem. A proxy or a crashed upstream may answer
 * with HTML or nothing, and the administrator must still read a sentence, never a raw body.
 */
export function toProblem(status: number, body: unknown): Problem {
  if (isProblem(body)) return body;
  return {
    type: 'about:blank',
    status,
    code: status >= 500 ? 'service_unavailable' : 'unexpected_response',
    title: status >= 500 ? t('problem.service_unavailable') : t('problem.unexpected_response', { status }),
  };
}

function isProblem(body: unknown): body is Problem {
  return (
    typeof body === 'object' &&
    body !== null &&
    typeof (body as Problem).title === 'string' &&
    typeof (body as Problem).code === 'string'
  );
}

// Codes whose detail carries what the catalogue cannot know (the parser's reason, Azure AD's own answer):
// the server's detail follows the catalogue's sentence.
const DETAILED: ReadonlySet<ProblemCode> = new Set<ProblemCode>([
  'bad_request',
  'invalid_cron',
  'invalid_schedule',
  'host_not_allowed',
  'destination_not_allowed',
  'server_error',
  'missing_permission',
  'invalid_value',
]);

/** The catalogue's sentence for a problem code, or null when the catalogue has none. */
export function problemSentence(code: string, status?: number): string | null {
  const key = `problem.${code}`;
  if (!i18n.global.te(key) || (code === 'unexpected_response' && status === undefined)) return null;
  return t(key as 'problem.unexpected_response', { status });
}

/**
 * One readable paragraph: the catalogue's sentence for the problem's code (the server's title and detail
 * for a code the catalogue lacks), the detail where it adds something, then each invalid field.
 */
export function readableProblem(problem: Problem): string {
  const known = problemSentence(problem.code, problem.status);
  const parts = known ? [known] : [problem.title, problem.detail];
  if (known && problem.detail && DETAILED.has(problem.code)) parts.push(problem.detail);
  const sentences = parts
    .filter((part): part is string => Boolean(part))
    .filter((part, index, all) => all.indexOf(part) === index)
    .map((part) => part.trim().replace(/([^.!?])$/, '$1.'));
  const fields = (problem.errors ?? []).map((fieldError) => {
    const field = fieldName(fieldError.path);
    return field ? `${field}: ${fieldError.message}` : fieldError.message;
  });
  return [...sentences, ...fields].join(' ');
}

/** How a form reads a refusal: which field a code without field paths is about, and the field's plain words. */
export interface FieldReading {
  /** The field a problem code is about when the problem names no field (`invalid_cron` → `cron`). */
  fieldOfCode?: Partial<Record<ProblemCode, string>>;
  /**
   * The field's own sentence, used instead of a schema's words ("must match pattern ...") and of the codes
   * in `fieldOfCode`; a field it has no sentence for reads "This value is not accepted." Without it, the
   * schema's words are kept.
   */
  plain?: (field: string) => string | null | undefined;
}

/**
 * Messages by form field, for showing a refusal beside its inputs. A refusal the service words itself (a
 * host not allowed, a secret needed again) keeps its words; a schema's refusal gets the field's own.
 */
export function fieldErrors(problem: Problem, reading: FieldReading = {}): Record<string, string> {
  const byField: Record<string, string> = {};
  const plain = problem.code === 'validation_failed' ? reading.plain : undefined;
  for (const fieldError of problem.errors ?? []) {
    const field = fieldName(fieldError.path);
    if (!field || byField[field]) continue;
    byField[field] = plain ? (plain(field) ?? t('shell.form.notAccepted')) : fieldError.message;
  }
  const codeField = reading.fieldOfCode?.[problem.code];
  if (codeField && !byField[codeField]) {
    byField[codeField] = reading.plain?.(codeField) ?? problem.detail ?? problem.title;
  }
  return byField;
}

// Paths come as JSON pointers ("/body/email") or dotted ("body.email"); the form knows fields by name. An
// item of a list ("/notifyEmails/2") is its list's field.
function fieldName(path: string): string {
  const segments = path
    .split(/[/.]/)
    .filter((segment) => segment && segment !== 'body' && !/^\d+$/.test(segment));
  return segments.at(-1) ?? '';
}

/** What to tell the administrator about any failure of an action. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof TypeError) return t('problem.unreachable_service');
  return t('problem.unexpected');
}
