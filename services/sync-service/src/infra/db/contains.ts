/**
 * A condition for `whereRaw`: `expression`, already lower-case (`lower(name)`, or a column stored lower-cased
 * such as the users' `search_text`, so that its trigram index serves), contains `search` case-insensitively,
 * LIKE's wildcards in the search taken as themselves.
 */
export function contains(expression: string, search: string): [sql: string, bindings: string[]] {
  const pattern = `%${search.toLowerCase().replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
  return [`${expression} like ? escape '\\'`, [pattern]];
}
