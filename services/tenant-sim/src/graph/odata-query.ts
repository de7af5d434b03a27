import { DEFAULT_GROUP_PROPERTIES, GROUP_PROPERTIES, type GroupRecord } from '../directory/group-record';
import { DEFAULT_USER_PROPERTIES, USER_PROPERTIES, type UserRecord } from '../directory/user-record';
import { badRequest, type GraphAnswer } from './graph-answer';

/** What a query may name on one kind of directory object. */
export interface ResourceShape<P extends string> {
  typeName: string;
  properties: ReadonlyArray<P>;
  defaultProperties: ReadonlyArray<P>;
  /** Properties `startswith(p,'x')` may filter on. */
  startsWith: ReadonlyArray<P>;
  /** Navigation properties `$expand` may name; with none, `$expand` is ignored. */
  expandable: ReadonlyArray<string>;
}

export const USER_SHAPE: ResourceShape<keyof UserRecord> = {
  typeName: 'user',
  properties: USER_PROPERTIES,
  defaultProperties: DEFAULT_USER_PROPERTIES,
  startsWith: ['displayName', 'mail', 'userPrincipalName', 'givenName', 'surname'],
  expandable: [],
};

export const GROUP_SHAPE: ResourceShape<keyof GroupRecord> = {
  typeName: 'group',
  properties: GROUP_PROPERTIES,
  defaultProperties: DEFAULT_GROUP_PROPERTIES,
  startsWith: ['displayName', 'mailNickname'],
  expandable: ['members'],
};

/** `/groups/delta` tracks membership when `members` is selected (or expanded). */
export const GROUP_DELTA_SHAPE: ResourceShape<keyof GroupRecord | 'members'> = {
  ...GROUP_SHAPE,
  properties: [...GROUP_PROPERTIES, 'members'],
};

export type ObjectFilter<P extends string = string> =
  | { kind: 'ids'; ids: string[] }
  | { kind: 'startsWith'; clauses: { property: P; prefix: string }[] };

export interface ODataQuery<P extends string = string> {
  select: ReadonlyArray<P>;
  /** Whether $select was given: it lowers the request's cost by one resource unit. */
  selected: boolean;
  top?: number;
  filter?: ObjectFilter<P>;
  /** Terms of `$search="displayName:x"`, lower-cased. */
  search?: string[];
  count: boolean;
  /** Navigation properties named by `$expand`. */
  expand: string[];
}

export type UserQuery = ODataQuery<keyof UserRecord>;

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
export function parseQuery<P extends string>(
  params: URLSearchParams,
  eventual: boolean,
  limits: QueryLimits,
  shape: ResourceShape<P>,
): Parsed<ODataQuery<P>> {
  const select = parseSelect(params.get('$select'), shape);
  if (!select.ok) return select;
  const expand = parseExpand(params.get('$expand'), shape);
  if (!expand.ok) return expand;
  const query: ODataQuery<P> = {
    select: select.value ?? shape.defaultProperties,
    selected: select.value !== undefined,
    count: params.get('$count') === 'true',
    expand: expand.value,
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
    const parsed = parseFilter(filter, limits.maxIds, shape);
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

function parseSelect<P extends string>(
  raw: string | null,
  shape: ResourceShape<P>,
): Parsed<ReadonlyArray<P> | undefined> {
  return raw === null ? { ok: true, value: undefined } : namesIn(raw, shape.properties, shape);
}

function parseExpand<P extends string>(raw: string | null, shape: ResourceShape<P>): Parsed<string[]> {
  if (raw === null || shape.expandable.length === 0) return { ok: true, value: [] };
  return namesIn(raw, shape.expandable, shape);
}

/** The comma-separated names of `raw`, spelled as `known` spells them; 400 on the first unknown one. */
function namesIn<N extends string, P extends string>(
  raw: string,
  known: ReadonlyArray<N>,
  shape: ResourceShape<P>,
): Parsed<N[]> {
  const names: N[] = [];
  for (const name of raw.split(',').map((part) => part.trim())) {
    const found = known.find((candidate) => candidate.toLowerCase() === name.toLowerCase());
    if (!found) {
      return fail(
        'Request_BadRequest',
        `Could not find a property named '${name}' on type 'microsoft.graph.${shape.typeName}'.`,
      );
    }
    names.push(found);
  }
  return { ok: true, value: names };
}

const QUOTED = "'((?:[^']|'')*)'";
const ID_IN = /^id\s+in\s*\((.*)\)$/i;
const ID_EQ = new RegExp(`^id\\s+eq\\s+${QUOTED}$`, 'i');
const STARTS_WITH = new RegExp(`^startswith\\(\\s*(\\w+)\\s*,\\s*${QUOTED}\\s*\\)$`, 'i');

function unquote(text: string): string {
  return text.replace(/''/g, "'");
}

function parseFilter<P extends string>(
  expression: string,
  maxIds: number,
  shape: ResourceShape<P>,
): Parsed<ObjectFilter<P>> {
  const clauses = splitOutsideQuotes(expression.trim(), /\s+or\s+/iy);
  const ids: string[] = [];
  const startsWith: { property: P; prefix: string }[] = [];
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
      const property = shape.startsWith.find((known) => known.toLowerCase() === prefix[1].toLowerCase());
      if (!property)
        return fail(
          'Request_UnsupportedQuery',
          `Unsupported or invalid query filter clause specified for property '${prefix[1]}' of resource '${shape.typeName[0].toUpperCase()}${shape.typeName.slice(1)}'.`,
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

/** Projects an object onto the selected properties, as Graph does. */
export function project<P extends string>(
  record: Record<P, unknown>,
  select: ReadonlyArray<P>,
): Record<string, unknown> {
  const projected: Record<string, unknown> = {};
  for (const property of select) projected[property] = record[property];
  return projected;
}

export function matchesStartsWith<P extends string>(
  record: Record<P, unknown>,
  filter: Extract<ObjectFilter<P>, { kind: 'startsWith' }>,
): boolean {
  return filter.clauses.some(({ property, prefix }) => {
    const value = record[property];
    return typeof value === 'string' && value.toLowerCase().startsWith(prefix.toLowerCase());
  });
}

export function matchesSearch(record: { displayName: string | null }, terms: string[]): boolean {
  const words = (record.displayName ?? '').toLowerCase().split(/\s+/);
  return terms.every((term) => words.some((word) => word.startsWith(term)));
}
