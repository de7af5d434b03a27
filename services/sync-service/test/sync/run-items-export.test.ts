import { randomUUID } from 'node:crypto';
import { csvField, itemCsvColumns } from '../../src/features/sync/runs/run-items-csv';
import { startTestApp, type TestApp } from '../support/harness';

/** The everyday reading of runs: history filters, item filters and search, and the CSV export. */
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const admin = () => t.adminCookie;

async function insertRun(fields: {
  status?: string;
  trigger?: string;
  createdAt?: string;
  requestedBy?: { kind: string; id: string | null; name: string };
}): Promise<string> {
  const [row] = await t.app
    .db('sync_runs')
    .insert({
      status: fields.status ?? 'succeeded',
      trigger: fields.trigger ?? 'manual',
      selection: JSON.stringify({ kind: 'allMatching', search: '' }),
      requested_by: JSON.stringify(fields.requestedBy ?? { kind: 'administrator', id: null, name: 'admin' }),
      tenant_id: 'contoso.example',
      created_at: fields.createdAt ?? t.app.db.fn.now(),
      started_at: t.app.db.fn.now(),
      finished_at: t.app.db.fn.now(),
    })
    .returning('id');
  return String(row.id);
}

interface ItemSeed {
  username: string;
  email?: string;
  outcome?: string;
  changes?: unknown[];
  failure?: { code: string; message: string } | null;
}

async function insertItems(runId: string, items: ItemSeed[]) {
  const rows = items.map((item) => ({
    run_id: runId,
    user_id: randomUUID(),
    object_id: randomUUID(),
    username: item.username,
    email: item.email ?? `${item.username}@contoso.example`,
    outcome: item.outcome ?? 'modified',
    changes: JSON.stringify(item.changes ?? []),
    failure: item.failure ? JSON.stringify(item.failure) : null,
    applied: true,
  }));
  for (let start = 0; start < rows.length; start += 1000)
    await t.app.db('sync_run_items').insert(rows.slice(start, start + 1000));
}

async function allItems(url: string) {
  const seen: Array<{ username: string; outcome: string }> = [];
  let cursor: string | null = null;
  do {
    const separator = url.includes('?') ? '&' : '?';
    const page: string = `${url}${separator}limit=2${cursor ? `&cursor=${cursor}` : ''}`;
    const { body }: { body: { items: typeof seen; nextCursor: string | null } } = await t.http
      .get(page)
      .set('cookie', admin())
      .expect(200);
    seen.push(...body.items);
    cursor = body.nextCursor;
  } while (cursor);
  return seen;
}

/** Parses the export's RFC 4180 text (every field quoted) into rows of fields. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let at = 0;
  while (at < text.length) {
    expect(text[at]).toBe('"');
    let field = '';
    at += 1;
    for (;;) {
      const quote = text.indexOf('"', at);
      field += text.slice(at, quote);
      at = quote + 1;
      if (text[at] === '"') {
        field += '"';
        at += 1;
      } else break;
    }
    row.push(field);
    if (text[at] === ',') at += 1;
    else {
      expect(text.slice(at, at + 2)).toBe('\r\n');
      at += 2;
      rows.push(row);
      row = [];
    }
  }
  return rows;
}

describe('the items of a run', () => {
  let runId: string;
  beforeAll(async () => {
    runId = await insertRun({});
    await insertItems(runId, [
      { username: 'Ada.Lovelace', outcome: 'failed' },
      { username: 'grace', email: 'GRACE.hopper@contoso.example', outcome: 'duplicated' },
      { username: 'alan', outcome: 'modified' },
      { username: 'ada_2', outcome: 'duplicated' },
      { username: 'barbara', outcome: 'failed' },
      { username: 'edsger', outcome: 'deleted' },
    ]);
  });

  it('are filtered by one or several outcomes, the cursor staying correct', async () => {
    const one = await allItems(`/api/sync/runs/${runId}/items?outcome=failed`);
    expect(one.map((item) => item.username)).toEqual(['Ada.Lovelace', 'barbara']);
    const several = await allItems(`/api/sync/runs/${runId}/items?outcome=failed&outcome=duplicated`);
    expect(several.map((item) => item.username)).toEqual(['Ada.Lovelace', 'grace', 'ada_2', 'barbara']);
  });

  it('are searched by username or email, case-insensitively, as a substring taken literally', async () => {
    const ada = await allItems(`/api/sync/runs/${runId}/items?search=ADA`);
    expect(ada.map((item) => item.username)).toEqual(['Ada.Lovelace', 'ada_2']);
    const byEmail = await allItems(`/api/sync/runs/${runId}/items?search=hopper`);
    expect(byEmail.map((item) => item.username)).toEqual(['grace']);
    const spaced = await allItems(`/api/sync/runs/${runId}/items?search=${encodeURIComponent('  hopper ')}`);
    expect(spaced.map((item) => item.username)).toEqual(['grace']);
    // `_` is a LIKE wildcard: taken literally it matches only ada_2.
    const literal = await allItems(`/api/sync/runs/${runId}/items?search=a_`);
    expect(literal.map((item) => item.username)).toEqual(['ada_2']);
    const combined = await allItems(`/api/sync/runs/${runId}/items?search=ada&outcome=failed`);
    expect(combined.map((item) => item.username)).toEqual(['Ada.Lovelace']);
  });

  it('refuses an unknown outcome and answers 404 for an unknown run', async () => {
    const bad = await t.http.get(`/api/sync/runs/${runId}/items?outcome=lost`).set('cookie', admin());
    expect(bad.status).toBe(400);
    await t.http.get(`/api/sync/runs/${randomUUID()}/items.csv`).set('cookie', admin()).expect(404);
  });
});

describe('the CSV export of a run', () => {
  it('defuses formulas, doubles quotes and quotes every field', () => {
    for (const start of ['=', '+', '-', '@', '\t', '\r'])
      expect(csvField(`${start}HYPERLINK("x")`)).toBe(`"'${start}HYPERLINK(""x"")"`);
    expect(csvField('plain, "quoted"\nline')).toBe('"plain, ""quoted""\nline"');
    expect(csvField(null)).toBe('""');
    expect(csvField(false)).toBe('"false"');
  });

  it('is an attachment with the columns, one row per item, hostile cells defused', async () => {
    const runId = await insertRun({});
    await insertItems(runId, [
      {
        username: '=cmd|"/c calc"!A1',
        email: '+sum@contoso.example',
        outcome: 'modified',
        changes: [{ field: 'lastName', before: 'Old', after: '-New' }],
      },
      {
        username: '@evil',
        outcome: 'failed',
        failure: { code: 'invalid_value', message: 'Bad "mail", see\r\nthere' },
      },
    ]);
    const response = await t.http.get(`/api/sync/runs/${runId}/items.csv`).set('cookie', admin()).expect(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toBe(
      `attachment; filename="sync-run-${runId}-items.csv"`,
    );
    const [header, first, second] = parseCsv(response.text);
    expect(header).toEqual([...itemCsvColumns]);
    expect(header.slice(7, 9)).toEqual(['failureCode', 'failureMessage']);
    expect(first[0]).toBe(`'=cmd|"/c calc"!A1`);
    expect(first[1]).toBe("'+sum@contoso.example");
    expect(first[5]).toBe('lastName: Old → -New');
    expect(first[9]).toBe('true');
    expect(second[0]).toBe("'@evil");
    expect(second.slice(7, 9)).toEqual(['invalid_value', 'Bad "mail", see\r\nthere']);
  });

  it('holds exactly the filtered item list across many database pages', async () => {
    const runId = await insertRun({});
    const outcomes = ['modified', 'failed', 'duplicated', 'unchanged'];
    await insertItems(
      runId,
      Array.from({ length: 2500 }, (_, index) => ({
        username: `user.${index}`,
        outcome: outcomes[index % outcomes.length],
      })),
    );
    const listed: string[] = [];
    let cursor: string | null = null;
    do {
      const { body }: { body: { items: Array<{ username: string }>; nextCursor: string | null } } =
        await t.http
          .get(`/api/sync/runs/${runId}/items?outcome=failed&outcome=duplicated&limit=500`)
          .query(cursor ? { cursor } : {})
          .set('cookie', admin())
          .expect(200);
      listed.push(...body.items.map((item) => item.username));
      cursor = body.nextCursor;
    } while (cursor);
    const exported = await t.http
      .get(`/api/sync/runs/${runId}/items.csv?outcome=failed&outcome=duplicated`)
      .set('cookie', admin())
      .expect(200);
    const rows = parseCsv(exported.text).slice(1);
    expect(listed).toHaveLength(1250);
    expect(rows.map((row) => row[0])).toEqual(listed);
  });

  it('needs sync:read', async () => {
    const runId = await insertRun({});
    const withoutIt = await t.apiKey(['users:read']);
    await t.http
      .get(`/api/sync/runs/${runId}/items.csv`)
      .set('authorization', `Bearer ${withoutIt}`)
      .expect(403);
    const reader = await t.apiKey(['sync:read']);
    await t.http
      .get(`/api/sync/runs/${runId}/items.csv`)
      .set('authorization', `Bearer ${reader}`)
      .expect(200);
  });
});

describe('the run history', () => {
  const someoneId = randomUUID();
  let ids: Record<string, string>;
  beforeAll(async () => {
    await t.app.db('sync_runs').delete();
    const someone = { kind: 'apiKey', id: someoneId, name: 'Reporting Robot' };
    const schedule = { kind: 'schedule', id: null, name: 'schedule' };
    ids = {
      old: await insertRun({ status: 'failed', createdAt: '2026-01-01T10:00:00Z' }),
      scheduled: await insertRun({
        trigger: 'scheduled',
        requestedBy: schedule,
        createdAt: '2026-02-01T10:00:00Z',
      }),
      partial: await insertRun({
        status: 'partial',
        requestedBy: someone,
        createdAt: '2026-03-01T10:00:00Z',
      }),
      blocked: await insertRun({
        status: 'blocked',
        requestedBy: someone,
        createdAt: '2026-03-02T10:00:00Z',
      }),
      recent: await insertRun({ createdAt: '2026-04-01T10:00:00Z' }),
    };
  });

  const history = async (query: string) => {
    const seen = await allItems(`/api/sync/runs?${query}`);
    return seen.map(
      (run) => Object.entries(ids).find(([, id]) => id === (run as unknown as { id: string }).id)?.[0],
    );
  };

  it('is filtered by status, trigger, date range and requester, newest first across pages', async () => {
    expect(await history('status=failed&status=partial&status=blocked')).toEqual([
      'blocked',
      'partial',
      'old',
    ]);
    expect(await history('trigger=scheduled')).toEqual(['scheduled']);
    expect(await history('trigger=manual')).toEqual(['recent', 'blocked', 'partial', 'old']);
    expect(await history('from=2026-02-01T10:00:00Z&to=2026-04-01T10:00:00Z')).toEqual([
      'blocked',
      'partial',
      'scheduled',
    ]);
    expect(await history('requestedBy=reporting%20robot')).toEqual(['blocked', 'partial']);
    expect(await history(`requestedBy=${someoneId}`)).toEqual(['blocked', 'partial']);
    expect(await history(`requestedBy=${someoneId}&status=partial`)).toEqual(['partial']);
  });

  it('refuses a status or trigger it does not know and a date that is not one', async () => {
    for (const query of ['status=lost', 'trigger=webhook', 'from=yesterday'])
      await t.http.get(`/api/sync/runs?${query}`).set('cookie', admin()).expect(400);
  });
});
