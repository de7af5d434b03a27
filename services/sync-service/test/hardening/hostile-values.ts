import fc from 'fast-check';

/**
 * Text an attacker or a broken client sends: control characters PostgreSQL refuses (NUL), lone UTF-16
 * surrogates, bidirectional overrides, astral emoji and combining marks, and fragments aimed at SQL,
 * HTML, LIKE patterns, prototype pollution and path traversal.
 */
export const hostileFragments = [
  '\u0000',
  'a\u0000b',
  '\uD800',
  '\uDFFF',
  'x\uDC00y',
  '\u202Eevil\u202C',
  '\u200F\u0627\u0644\u0639\u0631\u0628\u064A\u0629',
  '\uFEFF',
  '\u200B',
  '👩‍👩‍👧‍👦',
  '🏳️‍🌈',
  'e\u0301\u0301\u0301',
  'Z̴̡̛̖̼͍̒̀a̶l̷g̸o̵',
  '\r\n',
  '\t',
  '\u001B[31m',
  "' OR '1'='1",
  "'; drop table users; --",
  '" OR ""="',
  '1; select pg_sleep(10)',
  "admin'--",
  '%',
  '_',
  '\\',
  '%_%\\',
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  'javascript:alert(1)',
  '{{7*7}}',
  '$\u{7B}7*7}',
  '__proto__',
  'constructor',
  '../../../../etc/passwd',
  '..%2F..%2F',
  'null',
  'undefined',
  'NaN',
  '-1',
  '9'.repeat(40),
] as const;

/** Short hostile text: a fragment, some arbitrary Unicode, or both joined. */
export const hostileText: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...hostileFragments),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc
    .tuple(fc.constantFrom(...hostileFragments), fc.string({ unit: 'grapheme', maxLength: 10 }))
    .map(([fragment, text]) => `${text}${fragment}${text}`),
);

/** Strings shaped like identifiers but not UUIDs a database accepts. */
export const badUuids = [
  '',
  'not-a-uuid',
  '00000000-0000-0000-0000-00000000000',
  '00000000-0000-0000-0000-0000000000000',
  'zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz',
  '{00000000-0000-0000-0000-000000000000}',
  '00000000000000000000000000000000',
  '0',
  '-1',
  '1 OR 1=1',
  "00000000-0000-0000-0000-000000000000'--",
  '00000000-0000-0000-0000-000000000000\u0000',
  '../api-keys',
  'x'.repeat(5000),
] as const;

/**
 * UUIDs every validator in the path must agree on: upper case, and the `urn:uuid:` form that the JSON
 * Schema `uuid` format allows.
 */
export const unusualUuids: fc.Arbitrary<string> = fc.oneof(
  fc.uuid().map((uuid) => uuid.toUpperCase()),
  fc.uuid().map((uuid) => `urn:uuid:${uuid}`),
);

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * Cursors a client might forge: not base64, not JSON, the wrong arity, and the right arity holding values
 * that would reach SQL (NUL, dates out of PostgreSQL's range, huge numbers, non-UUIDs).
 */
export const hostileCursors: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('', '!!!', 'e30', 'bnVsbA', '%', 'x'.repeat(1000)),
  fc.string({ maxLength: 60 }),
  fc
    .array(
      fc.oneof(
        hostileText,
        fc.constantFrom('0', '1', '+275760-09-13T00:00:00.000Z', '-271821-04-20T00:00:00.000Z', 'Tuesday'),
        fc.constantFrom(...badUuids),
        fc.uuid(),
        fc.double(),
        fc.integer(),
        fc.constantFrom(Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 1e300, -0),
        fc.constant(null),
        fc.constant({ $gt: '' }),
      ),
      { minLength: 0, maxLength: 5 },
    )
    .map(base64url),
);

/** Bodies that are not JSON, or JSON that a careless parser would turn into something dangerous. */
export const malformedJsonTexts = [
  '',
  ' ',
  '{',
  '}',
  '{"a":',
  '{"a":1,}',
  "{'a':1}",
  '{"a":NaN}',
  '{"a":Infinity}',
  '[1,2',
  'null',
  'true',
  '"text"',
  '12',
  '{}{}',
  '{"a":1}garbage',
  '\uFEFF{}',
  '{"__proto__":{"isAdmin":true}}',
  '{"constructor":{"prototype":{"isAdmin":true}}}',
  `${'['.repeat(10_000)}${']'.repeat(10_000)}`,
  `{"a":"${'\\u0000'.repeat(10)}"}`,
  '{"a":"\\ud800"}',
  '{"a":"\\x41"}',
] as const;

/** Byte sequences that are not UTF-8: a stray continuation byte, a truncated sequence, an overlong form, an
 * encoded surrogate, a code point past U+10FFFF, and Latin-1 text. */
export const invalidUtf8Sequences = [
  Buffer.from([0x80]),
  Buffer.from([0xe2, 0x82]),
  Buffer.from([0xc0, 0xaf]),
  Buffer.from([0xed, 0xa0, 0x80]),
  Buffer.from([0xf4, 0x90, 0x80, 0x80]),
  Buffer.from('caf\xe9', 'latin1'),
  Buffer.from([0xff, 0xfe]),
] as const;

/** Content types a JSON route must refuse, and variants of JSON it may accept. */
export const foreignContentTypes = [
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  'application/octet-stream',
  'text/html',
  'application/jsonx',
  'json',
  '*/*',
] as const;
