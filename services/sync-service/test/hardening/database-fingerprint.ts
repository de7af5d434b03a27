import type { Knex } from 'knex';

/** Row count and a digest of every row, per table: two equal fingerprints mean nothing was written. */
export type DatabaseFingerprint = Record<string, { rows: number; digest: string }>;

export async function fingerprintDatabase(db: Knex): Promise<DatabaseFingerprint> {
  const tables: Array<{ table_name: string }> = await db('information_schema.tables')
    .where({ table_schema: 'public', table_type: 'BASE TABLE' })
    .orderBy('table_name')
    .select('table_name');
  const fingerprint: DatabaseFingerprint = {};
  for (const { table_name: table } of tables) {
    const row = await db
      .from(db.raw('?? as t', [table]))
      .first(
        db.raw('count(*)::int as rows'),
        db.raw("coalesce(md5(string_agg(t::text, '|' order by t::text)), '') as digest"),
      );
    fingerprint[table] = { rows: row.rows, digest: row.digest };
  }
  return fingerprint;
}
