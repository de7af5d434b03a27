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
