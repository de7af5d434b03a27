import { createHash } from 'node:crypto';
import type { Knex } from 'knex';

/**
 * A statement the service runs hundreds of times a second (a page of a listing, a caller's session) is
 * prepared once per connection under a name derived from its text, and PostgreSQL plans it once for all
 * values (a generic plan, chosen after five custom ones when it costs no more: `plan_cache_mode = auto`).
 * Every other statement is sent unnamed and planned for its own values, as a search needs to be.
 *
 * Only statements whose best plan does not depend on their values belong here: no search pattern, and the
 * page size written into the text (`limit(n, { skipBinding: true })`), since a generic plan of `LIMIT $1`
 * assumes a tenth of the rows and chose parallel scans of the whole index (10 ms against 1 ms).
 * The distinct statements prepared are bounded: past `preparedLimit`, a statement goes unnamed.
 */
const prepared = new Set<string>();
const preparedLimit = 200;

export function reusePlan<Statement extends Knex.QueryBuilder | Knex.Raw>(statement: Statement): Statement {
  const { sql } = statement.toSQL().toNative();
  const name = `adsync_${createHash('sha1').update(sql).digest('base64url').slice(0, 20)}`;
  if (!prepared.has(name)) {
    if (prepared.size >= preparedLimit) return statement;
    prepared.add(name);
  }
  return statement.options({ name }) as Statement;
}
