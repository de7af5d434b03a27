import { Problem } from './problem';

/** Opaque page cursors: the keyset values of the row a page ended on, as base64url JSON. */
export function encodeCursor(values: ReadonlyArray<string | number | null>): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

type CursorValues = Array<string | number | null>;

const uuidShape = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

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
      values.every((value) => value === null || typeof value === 'string' || typeof value === 'number') &&
      isValid(values)
    ) {
      return values;
    }
  } catch {
    // falls through to the problem below
  }
  throw Problem.badRequest('invalid_cursor', 'The cursor is not one this API handed out.');
}
