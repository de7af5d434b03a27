import fc from 'fast-check';
import { badUuids, hostileText, unusualUuids } from './hostile-values';

/** A JSON Schema node of openapi.yaml, already dereferenced by loadContract. */
export type SchemaNode = Record<string, unknown>;

const types = (schema: SchemaNode): string[] => {
  if (Array.isArray(schema.type)) return schema.type as string[];
  if (typeof schema.type === 'string') return [schema.type];
  if (schema.properties) return ['object'];
  return [];
};

const num = (schema: SchemaNode, key: string) => schema[key] as number | undefined;

/** Arrays in generated requests stay short unless a test is about size. */
const generatedArrayCap = 6;

function validString(schema: SchemaNode): fc.Arbitrary<string> {
  const maxLength = num(schema, 'maxLength') ?? 300;
  const minLength = num(schema, 'minLength') ?? 0;
  if (schema.format === 'uuid') return fc.oneof({ weight: 4, arbitrary: fc.uuid() }, unusualUuids);
  if (schema.format === 'email') {
    return fc.emailAddress().filter((email) => email.length <= maxLength && email.length >= minLength);
  }
  if (schema.format === 'uri') {
    return fc
      .webUrl({ validSchemes: ['https'] })
      .filter((url) => url.length <= maxLength && url.startsWith('https://'));
  }
  if (typeof schema.pattern === 'string') {
    return fc
      .stringMatching(new RegExp(schema.pattern))
      .filter((text) => [...text].length <= maxLength && [...text].length >= minLength);
  }
  return fc
    .oneof(fc.string({ unit: 'grapheme', maxLength: Math.min(maxLength, 40) }), hostileText)
    .map((text) => [...text].slice(0, maxLength).join(''))
    .filter((text) => [...text].length >= minLength);
}

function validNumber(schema: SchemaNode, integer: boolean): fc.Arbitrary<number> {
  const min = num(schema, 'minimum') ?? -1_000_000;
  const max = num(schema, 'maximum') ?? 1_000_000;
  if (integer) return fc.integer({ min, max });
  return fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
}

function validObject(schema: SchemaNode): fc.Arbitrary<Record<string, unknown>> {
  const properties = (schema.properties ?? {}) as Record<string, SchemaNode>;
  const required = (schema.required ?? []) as string[];
  const model = Object.fromEntries(Object.entries(properties).map(([key, node]) => [key, validValue(node)]));
  const minProperties = num(schema, 'minProperties') ?? 0;
  return fc
    .record(model, { requiredKeys: required })
    .filter((value) => Object.keys(value).length >= minProperties);
}

function validArray(schema: SchemaNode): fc.Arbitrary<unknown[]> {
  const items = validValue((schema.items ?? {}) as SchemaNode);
  const minLength = num(schema, 'minItems') ?? 0;
  const maxLength = Math.min(num(schema, 'maxItems') ?? generatedArrayCap, generatedArrayCap);
  if (schema.uniqueItems) {
    return fc.uniqueArray(items, { minLength, maxLength, selector: (item) => JSON.stringify(item) });
  }
  return fc.array(items, { minLength, maxLength });
}

/** Values the schema accepts, hostile text included wherever the schema allows free text. */
export function validValue(schema: SchemaNode): fc.Arbitrary<unknown> {
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
  if (Array.isArray(schema.oneOf)) return fc.oneof(...(schema.oneOf as SchemaNode[]).map(validValue));
  const options = types(schema).map((type): fc.Arbitrary<unknown> => {
    switch (type) {
      case 'string':
        return validString(schema);
      case 'integer':
        return validNumber(schema, true);
      case 'number':
        return validNumber(schema, false);
      case 'boolean':
        return fc.boolean();
      case 'null':
        return fc.constant(null);
      case 'array':
        return validArray(schema);
      case 'object':
        return validObject(schema);
      default:
        return fc.anything();
    }
  });
  return options.length === 0 ? fc.anything() : fc.oneof(...options);
}

/** One value of every JSON type: whichever the schema does not allow is a wrong type. */
const valuesOfEveryType: ReadonlyArray<unknown> = ['text', 1.5, 7, true, null, [], {}, [1, 'a'], { a: 1 }];

function wrongType(): fc.Arbitrary<unknown> {
  return fc.constantFrom(...valuesOfEveryType);
}

function violatingString(schema: SchemaNode): fc.Arbitrary<unknown>[] {
  const violations: fc.Arbitrary<unknown>[] = [];
  const maxLength = num(schema, 'maxLength');
  if (maxLength !== undefined) {
    violations.push(
      // Counted in code points, as JSON Schema does: the emoji is one, though two UTF-16 units.
      fc.integer({ min: maxLength + 1, max: maxLength + 50 }).map((length) => `${'x'.repeat(length - 1)}🙂`),
      fc.constant('A'.repeat(200_000)),
    );
  }
  if ((num(schema, 'minLength') ?? 0) > 0) violations.push(fc.constant(''));
  if (typeof schema.pattern === 'string' || schema.format === 'uuid' || schema.format === 'email') {
    violations.push(fc.constantFrom(...badUuids), hostileText);
  }
  if (schema.format === 'uri')
    violations.push(fc.constantFrom('http://127.0.0.1:1', 'file:///etc/passwd', 'https//x'));
  return violations;
}

function violatingNumber(schema: SchemaNode, integer: boolean): fc.Arbitrary<unknown>[] {
  const violations: fc.Arbitrary<unknown>[] = [fc.constantFrom('1', '', '0x10')];
  const minimum = num(schema, 'minimum');
  const maximum = num(schema, 'maximum');
  if (minimum !== undefined) violations.push(fc.constantFrom(minimum - 1, -1e308, Number.MIN_SAFE_INTEGER));
  if (maximum !== undefined) violations.push(fc.constantFrom(maximum + 1, 1e308, Number.MAX_SAFE_INTEGER));
  if (integer) violations.push(fc.constantFrom(1.5, 1e-7));
  return violations;
}

function violatingArray(schema: SchemaNode): fc.Arbitrary<unknown>[] {
  const itemSchema = (schema.items ?? {}) as SchemaNode;
  const violations: fc.Arbitrary<unknown>[] = [
    validArray(schema).chain((valid) =>
      invalidValue(itemSchema).map((bad) => [...valid.slice(0, generatedArrayCap - 1), bad]),
    ),
  ];
  const maxItems = num(schema, 'maxItems');
  if (maxItems !== undefined) {
    // One past the documented limit: every item valid, only the count is wrong.
    violations.push(
      validValue(itemSchema).map((item) => [
        ...Array.from({ length: maxItems }, (_, index) =>
          typeof item === 'string' ? uuidLike(index) : item,
        ),
        item,
      ]),
    );
  }
  if ((num(schema, 'minItems') ?? 0) > 0) violations.push(fc.constant([]));
  if (schema.uniqueItems) violations.push(validValue(itemSchema).map((item) => [item, item]));
  return violations;
}

/** Distinct, well-formed GUIDs, so an oversized selection is refused for its size alone. */
function uuidLike(index: number): string {
  return `00000000-0000-4000-8000-${index.toString(16).padStart(12, '0')}`;
}

function violatingObject(schema: SchemaNode): fc.Arbitrary<unknown>[] {
  const properties = (schema.properties ?? {}) as Record<string, SchemaNode>;
  const required = (schema.required ?? []) as string[];
  const valid = validObject(schema);
  const violations: fc.Arbitrary<unknown>[] = [];
  if (schema.additionalProperties === false) {
    const unknownName = fc
      .oneof(fc.constantFrom('isAdmin', 'role', 'id', '$where', 'constructor', ''), hostileText)
      .filter((name) => !(name in properties) && name !== '__proto__');
    violations.push(
      fc
        .tuple(valid, unknownName, fc.jsonValue())
        .map(([value, name, extra]) => ({ ...value, [name]: extra })),
    );
  }
  if (required.length > 0) {
    violations.push(
      fc.tuple(valid, fc.constantFrom(...required)).map(([value, missing]) => {
        const { [missing]: _dropped, ...rest } = value;
        return rest;
      }),
    );
  }
  for (const [name, node] of Object.entries(properties)) {
    violations.push(fc.tuple(valid, invalidValue(node)).map(([value, bad]) => ({ ...value, [name]: bad })));
  }
  return violations;
}

/**
 * Values the schema refuses: a wrong type, or a valid value broken in one place (out of range, too
 * long, too many items, an unknown or missing property, deeper down). Callers still filter with a
 * validator, because a mutation of one `oneOf` branch can land in another.
 */
export function invalidValue(schema: SchemaNode): fc.Arbitrary<unknown> {
  const violations: fc.Arbitrary<unknown>[] = [wrongType()];
  if (Array.isArray(schema.enum)) {
    violations.push(fc.oneof(hostileText, fc.constantFrom('USERS:READ', 'asc ', 'admin')));
  } else if (Array.isArray(schema.oneOf)) {
    violations.push(...(schema.oneOf as SchemaNode[]).map(invalidValue));
  } else {
    for (const type of types(schema)) {
      if (type === 'string') violations.push(...violatingString(schema));
      if (type === 'integer' || type === 'number')
        violations.push(...violatingNumber(schema, type === 'integer'));
      if (type === 'array') violations.push(...violatingArray(schema));
      if (type === 'object') violations.push(...violatingObject(schema));
    }
  }
  return fc.oneof(...violations);
}
