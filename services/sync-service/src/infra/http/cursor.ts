import { Problem } from './problem';

/** Opaque page cursors: the keyset values of the row a page ended on, as base64url JSON. */
export function encodeCursor(values: ReadonlyArray<string | number | null>): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

type CursorValues = Array<string | number | null>;

const uuidShape = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A timestamp as PostgreSQL writes timestamptz as text (`2026-11-26 08:37:00.123+00`), or ISO 8601. */
const timestampShape = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}(:?\d{2})?)?$/;

export function isTimestamp(value: unknown): boolean {
  return (
    typeof value === 'string' &&
    timestampShape.test(value) &&
    // JavaScript reads an offset only with its minutes (`+00:00`); PostgreSQL writes a whole hour as `+00`.
    !Number.isNaN(Date.parse(value.replace(' ', 'T').replace(/([+-]\d{2})$/, '$1:00')))
  );
}

export function isUuid(value: unknown): boolean {
  return typeof value === 'string' && uuidShape.test(value);
}

/** Decodes a cursor and checks its values before any of them reaches SQL. */
export function decodeCursor(
  cursor: string | undefined,
  arity: number,
  isValid: (values: CursorValues) => boolean = () => true,
): CursorValues | null {
  if (cursor === undefined) return null;
  try {
    const values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(values) &&
      values.length === arity &&
      values.every(
        // PostgreSQL text cannot hold NUL: a forged value with one would fail in SQL rather than here.
        (value) =>
          value === null ||
          typeof value === 'number' ||
          (typeof value === 'string' && !value.includes('\u0000')),
      ) &&
      isValid(values)
    ) {
      return values;
    }
  } catch {
    // falls through to the problem below
  }
  throw Problem.badRequest('invalid_cursor', 'The cursor is not one this API handed out.');
}
