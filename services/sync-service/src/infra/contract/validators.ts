import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/**
 * Request bodies are validated strictly (no type coercion, unknown properties rejected, never stripped);
 * query strings, path parameters and headers arrive as text, so they are coerced to the contract's types.
 */
function createAjv(coerceTypes: boolean): Ajv {
  const ajv = new Ajv({
    strict: false,
    allErrors: true,
    removeAdditional: false,
    useDefaults: true,
    coerceTypes: coerceTypes ? 'array' : false,
  });
  addFormats(ajv);
  // ajv-formats also accepts `urn:uuid:<uuid>`, which PostgreSQL's uuid type refuses: such an id passed
  // validation and then failed in SQL as a 500. Only the plain form is a UUID here.
  ajv.addFormat('uuid', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
  return ajv;
}

export const bodyAjv = createAjv(false);
export const parameterAjv = createAjv(true);
export const responseAjv = createAjv(false);

export function compileFor(httpPart: string | undefined, schema: object): ValidateFunction {
  return (httpPart === 'body' ? bodyAjv : parameterAjv).compile(schema);
}

export interface FieldError {
  path: string;
  message: string;
}

export function describeErrors(errors: ErrorObject[] | null | undefined, part: string): FieldError[] {
  return (errors ?? []).map((error) => {
    const base = `${part}${error.instancePath.replace(/\//g, '.')}`;
    if (error.keyword === 'additionalProperties') {
      const extra = (error.params as { additionalProperty: string }).additionalProperty;
      return { path: `${base}.${extra}`, message: 'is not allowed' };
    }
    if (error.keyword === 'required') {
      const missing = (error.params as { missingProperty: string }).missingProperty;
      return { path: `${base}.${missing}`, message: 'is required' };
    }
    return { path: base, message: error.message ?? 'is invalid' };
  });
}

/**
 * PostgreSQL text and jsonb cannot hold U+0000, nor UTF-16 halves without their pair (a lone surrogate,
 * which JSON allows), so either anywhere in a request failed in SQL as a 500. The contract allows free
 * text in many places; this one rule refuses such text in all of them.
 */
export function findUnstorableText(value: unknown, path: string): FieldError | null {
  if (typeof value === 'string') {
    if (value.includes('\u0000')) return { path, message: 'must not contain the NUL character (U+0000)' };
    if (!value.isWellFormed()) return { path, message: 'must be well-formed Unicode (no lone surrogates)' };
    return null;
  }
  if (value === null || typeof value !== 'object') return null;
  for (const [key, item] of Object.entries(value)) {
    const found = findUnstorableText(item, `${path}.${key}`);
    if (found) return found;
  }
  return null;
}
