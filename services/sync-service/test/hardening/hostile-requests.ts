import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import fc from 'fast-check';
import type { ContractOperation } from '../../src/infra/contract/contract';
import { invalidValue, type SchemaNode, validValue } from './contract-arbitraries';
import {
  badUuids,
  foreignContentTypes,
  hostileCursors,
  hostileText,
  invalidUtf8Sequences,
  malformedJsonTexts,
} from './hostile-values';
import type { KnownRecords } from './known-records';

export type Caller = 'administrator' | 'anonymous' | 'forgedCredentials';

export interface HostileRequest {
  operationId: string;
  /** What was done to an otherwise valid request, for the failure report. */
  mutation: string;
  caller: Caller;
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string | Buffer;
  /** The contract or the handler must refuse it (4xx), so nothing may change. */
  mustBeRefused: boolean;
  /** The exact refusal, where the mutation decides it and the request reaches the body parser. */
  expected?: { status: number; code: string };
}

/** An independent validator, so "this request is invalid" does not rely on the app's own wiring. */
const oracle = new Ajv({ strict: false, allErrors: false });
addFormats(oracle);

const unreserved = /[A-Za-z0-9\-._~]/;

/** Percent-encodes UTF-8 bytes (lone surrogates become U+FFFD, as in any real client). */
export function percentEncode(text: string): string {
  return [...Buffer.from(text, 'utf8')]
    .map((byte) => {
      const character = String.fromCharCode(byte);
      return unreserved.test(character) ? character : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    })
    .join('');
}

/** Slightly over the 1 MiB body limit, built once. */
const oversizedBody = JSON.stringify({ pad: 'A'.repeat(1024 * 1024) });

interface RequestParts {
  pathId?: string;
  /** The second id of a path like /api/groups/{id}/members/{userId}. */
  pathUserId?: string;
  query: Array<[string, string]>;
  headers: Record<string, string>;
  body?: unknown;
  /** Raw text (or bytes) sent as the body instead of `body`. */
  rawBody?: string | Buffer;
  /** Raw text appended to the query string, unencoded. */
  rawQuery?: string;
  contentType?: string;
}

const paramSchemas = (schema: SchemaNode | undefined) =>
  Object.entries((schema?.properties ?? {}) as Record<string, SchemaNode>);

const asQueryValue = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

function validQuery(operation: ContractOperation): fc.Arbitrary<Array<[string, string]>> {
  const entries = paramSchemas(operation.querystring).map(([name, schema]) =>
    fc.option(
      validValue(schema).map((value): [string, string] => [name, asQueryValue(value)]),
      { nil: undefined },
    ),
  );
  return fc
    .tuple(...entries)
    .map((pairs) => pairs.filter((pair): pair is [string, string] => pair !== undefined));
}

function validParts(operation: ContractOperation, known: KnownRecords): fc.Arbitrary<RequestParts> {
  const knownIds = [...known.userIds, ...known.apiKeyIds, ...known.syncRunIds, ...known.groupIds];
  const pathId = operation.path.includes('{id}')
    ? fc.oneof(fc.constantFrom(...knownIds), validValue({ type: 'string', format: 'uuid' }))
    : fc.constant(undefined);
  const pathUserId = operation.path.includes('{userId}')
    ? fc.oneof(fc.constantFrom(...known.userIds), validValue({ type: 'string', format: 'uuid' }))
    : fc.constant(undefined);
  const prefer = paramSchemas(operation.headers).find(([name]) => name === 'prefer');
  const headers = prefer
    ? fc
        .option(fc.integer({ min: 0, max: 3 }), { nil: undefined })
        .map((seconds) => (seconds === undefined ? {} : { prefer: `wait=${seconds}` }))
    : fc.constant({});
  const body = operation.body
    ? validValue(operation.body).map(withoutNetworkReach(operation))
    : fc.constant(undefined);
  return fc
    .record({ pathId, pathUserId, query: validQuery(operation), headers, body })
    .map((parts) => parts as RequestParts);
}

/**
 * A valid Azure AD connection with a secret would make every later import, search and sync call a
 * random host on the internet; the fuzz keeps the tenant secretless so those stop at 409.
 */
function withoutNetworkReach(operation: ContractOperation) {
  return (body: unknown) => {
    if (operation.operationId !== 'putAzureAdSettings' || body === null || typeof body !== 'object')
      return body;
    const { clientSecret: _secret, ...rest } = body as Record<string, unknown>;
    return rest;
  };
}

interface Mutation {
  name: string;
  mustBeRefused: boolean;
  expected?: HostileRequest['expected'];
  apply: fc.Arbitrary<(parts: RequestParts) => RequestParts>;
}

/** The valid body's JSON with bytes that are not UTF-8 put into its first string value (or at its end). */
function withBytesInBody(body: unknown, bytes: Buffer): Buffer {
  const text = Buffer.from(JSON.stringify(body) ?? '{}', 'utf8');
  const at = text.indexOf('":"');
  const cut = at === -1 ? text.length : at + 3;
  return Buffer.concat([text.subarray(0, cut), bytes, text.subarray(cut)]);
}

function mutationsOf(operation: ContractOperation): Mutation[] {
  const mutations: Mutation[] = [];
  const refused = (name: string, apply: Mutation['apply'], expected?: Mutation['expected']) =>
    mutations.push({ name, mustBeRefused: true, apply, expected });
  const tolerated = (name: string, apply: Mutation['apply']) =>
    mutations.push({ name, mustBeRefused: false, apply });

  if (operation.body) {
    const validate = oracle.compile(operation.body);
    refused(
      'body violates its schema',
      invalidValue(operation.body)
        .filter((body) => !validate(structuredClone(body)))
        .map((body) => (parts) => ({ ...parts, body })),
    );
    refused(
      'body is not JSON',
      fc.constantFrom(...malformedJsonTexts).map((rawBody) => (parts) => ({ ...parts, rawBody })),
    );
    refused(
      'body has a foreign content type',
      fc.constantFrom(...foreignContentTypes).map((contentType) => (parts) => ({ ...parts, contentType })),
      { status: 415, code: 'unsupported_media_type' },
    );
    refused(
      'body is not UTF-8',
      fc
        .constantFrom(...invalidUtf8Sequences)
        .map((bytes) => (parts) => ({ ...parts, rawBody: withBytesInBody(parts.body, bytes) })),
      { status: 400, code: 'malformed_json' },
    );
    refused(
      'body is over 1 MiB',
      fc.constant((parts) => ({ ...parts, rawBody: oversizedBody })),
    );
  }
  const queryParams = paramSchemas(operation.querystring);
  refused(
    'unknown query parameter',
    fc
      .tuple(fc.constantFrom('admin', 'debug', 'where', '__proto__', 'LIMIT'), hostileText)
      .map(([name, value]) => (parts) => ({ ...parts, query: [...parts.query, [name, value]] })),
  );
  for (const [name, schema] of queryParams) {
    const validate = oracle.compile(schema);
    const badValue = fc
      .oneof(
        invalidValue(schema).map(asQueryValue),
        fc.constantFrom('', '-1', '0', '501', '1.5', 'abc', '1e3', '99999999999999999999', ' 5'),
      )
      .filter((value) => !validate(value) && !validate(Number(value)) && value !== '');
    refused(
      `query ${name} out of its schema`,
      badValue.map((value) => (parts) => ({
        ...parts,
        query: [...parts.query.filter(([key]) => key !== name), [name, value]],
      })),
    );
    // Two different values where the schema has two; a parameter with one valid value (a one-entry enum)
    // repeats it, where a filter for different values would never let a pair through.
    const twoValues = fc.tuple(validValue(schema), validValue(schema));
    const singleValued = Array.isArray(schema.enum) && schema.enum.length === 1;
    refused(
      `query ${name} repeated`,
      (singleValued ? twoValues : twoValues.filter(([a, b]) => a !== b)).map(([a, b]) => (parts) => ({
        ...parts,
        query: [
          ...parts.query.filter(([key]) => key !== name),
          [name, asQueryValue(a)],
          [name, asQueryValue(b)],
        ],
      })),
    );
    if (name === 'cursor') {
      tolerated(
        'forged cursor',
        hostileCursors.map((cursor) => (parts) => ({
          ...parts,
          query: [...parts.query, ['cursor', cursor]],
        })),
      );
    }
  }
  for (const [placeholder, part, name] of [
    ['{id}', 'pathId', 'path id'],
    ['{userId}', 'pathUserId', 'path user id'],
  ] as const) {
    if (!operation.path.includes(placeholder)) continue;
    refused(
      `${name} is not a UUID`,
      fc
        .constantFrom(...badUuids)
        .filter((id) => id !== '')
        .map((id) => (parts) => ({ ...parts, [part]: id })),
    );
  }
  if (paramSchemas(operation.headers).some(([name]) => name === 'prefer')) {
    refused(
      'Prefer header out of its pattern',
      fc
        .constantFrom('wait=', 'wait=abc', 'wait=100', 'wait=-1', 'return=minimal', 'wait=1, wait=2')
        .map((prefer) => (parts) => ({ ...parts, headers: { ...parts.headers, prefer } })),
    );
  }
  tolerated(
    'query with broken percent-encoding',
    fc
      .constantFrom('%', '%zz', '%E0%A4%A', '%ED%A0%80', '%C0%AF', '%00', '%FF%FE')
      .map((raw) => (parts) => ({ ...parts, rawQuery: `search=${raw}` })),
  );
  return mutations;
}

function toRequest(
  operation: ContractOperation,
  parts: RequestParts,
): Omit<HostileRequest, 'caller' | 'mutation' | 'mustBeRefused' | 'operationId'> {
  const path = operation.path
    .replace('{id}', percentEncode(parts.pathId ?? ''))
    .replace('{userId}', percentEncode(parts.pathUserId ?? ''));
  const query = [
    ...parts.query.map(([name, value]) => `${percentEncode(name)}=${percentEncode(value)}`),
    ...(parts.rawQuery ? [parts.rawQuery] : []),
  ].join('&');
  const headers: Record<string, string> = { ...parts.headers };
  let payload: string | Buffer | undefined;
  if (parts.rawBody !== undefined || parts.body !== undefined) {
    payload = parts.rawBody ?? JSON.stringify(parts.body);
    headers['content-type'] = parts.contentType ?? 'application/json';
  }
  return { method: operation.method, url: query ? `${path}?${query}` : path, headers, payload };
}

/** Whom the request comes from; an administrator most of the time, so validation and handlers are reached. */
const callers: fc.Arbitrary<Caller> = fc.oneof(
  { weight: 8, arbitrary: fc.constant<Caller>('administrator') },
  { weight: 1, arbitrary: fc.constant<Caller>('anonymous') },
  { weight: 1, arbitrary: fc.constant<Caller>('forgedCredentials') },
);

/**
 * Calls an administrator's session must not make during the fuzz: signing out would end the session
 * that the rest of the run uses.
 */
const endsTheSession = (operation: ContractOperation, caller: Caller) =>
  operation.operationId === 'signOut' && caller === 'administrator';

/** Requests derived from one operation of the contract: valid ones, and mutations of valid ones. */
export function requestsFor(
  operation: ContractOperation,
  known: KnownRecords,
  options: { onlyRefused: boolean },
): fc.Arbitrary<HostileRequest> {
  const mutations = mutationsOf(operation).filter(
    (mutation) => !options.onlyRefused || mutation.mustBeRefused,
  );
  const unmutated: Mutation = { name: 'none', mustBeRefused: false, apply: fc.constant((parts) => parts) };
  // Mixed traffic is half valid requests, so handlers (not only validation) see hostile values.
  const choices = options.onlyRefused ? mutations : [...mutations.map(() => unmutated), ...mutations];
  return fc
    .tuple(
      validParts(operation, known),
      fc.oneof(...choices.map((mutation) => mutation.apply.map((apply) => ({ mutation, apply })))),
      callers,
    )
    .filter(([, , caller]) => !endsTheSession(operation, caller))
    .map(([parts, { mutation, apply }, caller]) => ({
      operationId: operation.operationId,
      mutation: mutation.name,
      caller,
      mustBeRefused: mutation.mustBeRefused || (caller !== 'administrator' && !operation.isPublic),
      // Identity is checked before the body is read: only these callers' requests reach the parser.
      ...(mutation.expected && (caller === 'administrator' || operation.isPublic)
        ? { expected: mutation.expected }
        : {}),
      ...toRequest(operation, apply(parts)),
    }));
}

/** For the "nothing changes" phase: protected operations called without a valid identity are refused too. */
export function refusedRequestsFor(
  operation: ContractOperation,
  known: KnownRecords,
): fc.Arbitrary<HostileRequest> {
  const anonymousValid = validParts(operation, known).chain((parts) =>
    fc.constantFrom<Caller>('anonymous', 'forgedCredentials').map(
      (caller): HostileRequest => ({
        operationId: operation.operationId,
        mutation: 'none',
        caller,
        mustBeRefused: true,
        ...toRequest(operation, parts),
      }),
    ),
  );
  const mutated = requestsFor(operation, known, { onlyRefused: true });
  return operation.isPublic
    ? mutated
    : fc.oneof({ weight: 4, arbitrary: mutated }, { weight: 1, arbitrary: anonymousValid });
}

/** One valid request for the operation, without credentials: the caller adds an identity. */
export function validRequestFor(operation: ContractOperation, known: KnownRecords, seed: number) {
  const [parts] = fc.sample(validParts(operation, known), { seed, numRuns: 1 });
  return toRequest(operation, parts);
}

/** Credentials a client might forge: garbage bearer tokens and session cookies. */
export const forgedCredentials: fc.Arbitrary<Record<string, string>> = fc.oneof(
  fc
    .constantFrom('Bearer', 'Bearer ', 'Basic YWRtaW46YWRtaW4=', 'bearer ak_', 'Bearer ses_x', 'Bearer a b')
    .map((authorization) => ({ authorization })),
  hostileText.map((text) => ({ authorization: `Bearer ${percentEncode(text)}` })),
  hostileText.map((text) => ({ cookie: `adsync_session=${percentEncode(text)}` })),
);
