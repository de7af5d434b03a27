import { DEFAULT_USER_PROPERTIES, USER_PROPERTIES, type UserRecord } from '../directory/user-record';
import { badRequest, type GraphAnswer } from './graph-answer';

export type StartsWithProperty = 'displayName' | 'mail' | 'userPrincipalName' | 'givenName' | 'surname';
const STARTS_WITH_PROPERTIES: ReadonlyArray<StartsWithProperty> = [
  'displayName',
  'mail',
  'userPrincipalName',
  'givenName',
  'surname',
];

export type UserFilter =
  | { kind: 'ids'; ids: string[] }
  | { kind: 'startsWith'; clauses: { property: StartsWithProperty; prefix: string }[] };

export interface UserQuery {
  select: ReadonlyArray<keyof UserRecord>;
  /** Whether $select was given: it lowers the request's cost by one resource unit. */
  selected: boolean;
  top?: number;
  filter?: UserFilter;
  /** Terms of `$search="displayName:x"`, lower-cased. */
  search?: string[];
  count: boolean;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; answer: GraphAnswer };

const fail = (code: string, message: string): Parsed<never> => ({
  ok: false,
  answer: badRequest(code, message),
});

export interface QueryLimits {
  /** Values allowed in `id in (...)` / `id eq ... or ...`: 15 on /users, 50 on /users/delta. */
  maxIds: number;
  allowTop: boolean;
}

/** Parses the OData options the product uses, with Graph's error codes for what Graph refuses. */
export function parseUserQuery(
  params: URLSearchParams,
  eventual: boolean,
  limits: QueryLimits,
): Parsed<UserQuery> {
  const select = parseSelect(params.get('$select'));
  if (!select.ok) return select;
  const query: UserQuery = {
    select: select.value ?? DEFAULT_USER_PROPERTIES,
    selected: select.value !== undefined,
    count: params.get('$count') === 'true',
  };
  const top = params.get('$top');
  if (top !== null) {
    if (!limits.allowTop)
      return fail('Request_BadRequest', 'The query parameter $top is not supported with delta.');
    const size = Number(top);
    if (!Number.isInteger(size) || size < 1 || size > 999) {
      return fail(
        'Request_BadRequest',
        `Invalid page size specified: '${top}'. Must be between 1 and 999 inclusive.`,
      );
    }
    query.top = size;
  }
  const filter = params.get('$filter');
  if (filter !== null) {
    const parsed = parseFilter(filter, limits.maxIds);
    if (!parsed.ok) return parsed;
    query.filter = parsed.value;
  }
  const search = params.get('$search');
  if (search !== null) {
    if (!eventual) {
      return fail(
        'Request_UnsupportedQuery',
        "Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'",
      );
    }
    const match = /^"displayName:([^"]*)"$/i.exec(search.trim());
    if (!match) return fail('Request_UnsupportedQuery', 'Only $search="displayName:term" is simulated.');
    query.search = match[1].toLowerCase().split(/\s+/).filter(Boolean);
  }
  if (query.count && !eventual) {
    return fail(
      'Request_BadRequest',
      '$count is not currently supported without the ConsistencyLevel: eventual header.',
    );
  }
  return { ok: true, value: query };
}

function parseSelect(raw: string | null): Parsed<ReadonlyArray<keyof UserRecord> | undefined> {
  if (raw === null) return { ok: true, value: undefined };
  const properties: (keyof UserRecord)[] = [];
  for (const name of raw.split(',').map((part) => part.trim())) {
    const property = USER_PROPERTIES.find((known) => known.toLowerCase() === name.toLowerCase());
    if (!property) {
      return fail(
        'Request_BadRequest',
        `Could not find a property named '${name}' on type 'microsoft.graph.user'.`,
      );
    }
    properties.push(property);
  }
  return { ok: true, value: properties };
}

const QUOTED = "'((?:[^']|'')*)'";
const ID_IN = /^id\s+in\s*\((.*)\)$/i;
const ID_EQ = new RegExp(`^id\\s+eq\\s+${QUOTED}$`, 'i');
const STARTS_WITH = new RegExp(`^startswith\\(\\s*(\\w+)\\s*,\\s*${QUOTED}\\s*\\)$`, 'i');

function unquote(text: string): string {
  return text.replace(/''/g, "'");
}

function parseFilter(expression: string, maxIds: number): Parsed<UserFilter> {
  const clauses = splitOutsideQuotes(expression.trim(), /\s+or\s+/iy);
  const ids: string[] = [];
  const startsWith: { property: StartsWithProperty; prefix: string }[] = [];
  for (const clause of clauses) {
    const idIn = ID_IN.exec(clause);
    const idEq = ID_EQ.exec(clause);
    const prefix = STARTS_WITH.exec(clause);
    if (idIn) {
      const values = splitOutsideQuotes(idIn[1], /\s*,\s*/y);
      for (const value of values) {
        const quoted = new RegExp(`^${QUOTED}$`).exec(value.trim());
        if (!quoted) return fail('BadRequest', `Invalid filter clause: ${clause}`);
        ids.push(unquote(quoted[1]));
      }
    } else if (idEq) {
      ids.push(unquote(idEq[1]));
    } else if (prefix) {
      const property = STARTS_WITH_PROPERTIES.find(
        (known) => known.toLowerCase() === prefix[1].toLowerCase(),
      );
      if (!property)
        return fail(
          'Request_UnsupportedQuery',
          `Unsupported or invalid query filter clause specified for property '${prefix[1]}' of resource 'User'.`,
        );
      startsWith.push({ property, prefix: unquote(prefix[2]) });
    } else {
      return fail('BadRequest', `Invalid filter clause: ${clause}`);
    }
  }
  if (ids.length > 0 && startsWith.length > 0) {
    return fail('Request_UnsupportedQuery', 'Combining id and startswith clauses is not simulated.');
  }
  if (ids.length > maxIds) {
    return fail(
      'Request_UnsupportedQuery',
      `Too many child clauses specified in search filter expression containing 'OR' operators: ${ids.length}. Max allowed: ${maxIds}.`,
    );
  }
  return {
    ok: true,
    value: ids.length > 0 ? { kind: 'ids', ids } : { kind: 'startsWith', clauses: startsWith },
  };
}

/** Splits on a separator that is not inside a single-quoted OData string literal. */
function splitOutsideQuotes(text: string, separator: RegExp): string[] {
  const parts: string[] = [];
  let inQuotes = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === "'") {
      inQuotes = !inQuotes;
      continue;
    }
    if (inQuotes) continue;
    separator.lastIndex = i;
    const match = separator.exec(text);
    if (match && match[0].length > 0) {
      parts.push(text.slice(start, i));
      start = i + match[0].length;
      i = start - 1;
    }
  }
  parts.push(text.slice(start));
  return parts.filter((part) => part.trim().length > 0);
}

/** Projects a user onto the selected properties, as Graph does. */
export function project(user: UserRecord, select: ReadonlyArray<keyof UserRecord>): Record<string, unknown> {
  const projected: Record<string, unknown> = {};
  for (const property of select) projected[property] = user[property];
  return projected;
}

export function matchesStartsWith(
  user: UserRecord,
  filter: Extract<UserFilter, { kind: 'startsWith' }>,
): boolean {
  return filter.clauses.some(({ property, prefix }) => {
    const value = user[property];
    return typeof value === 'string' && value.toLowerCase().startsWith(prefix.toLowerCase());
  });
}

export function matchesSearch(user: UserRecord, terms: string[]): boolean {
  const words = (user.displayName ?? '').toLowerCase().split(/\s+/);
  return terms.every((term) => words.some((word) => word.startsWith(term)));
}
