import { importFile } from '../../src/modules/exchange/import.service';
import { importFixture, importRequest } from '../support/import';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * The register formats (Leader board decisions as Excel writes them in Finland, EU lists of
 * operations) read by the CSV readers and written by the importer into the demo database: the
 * exact report, what lands in the database, and that a second import changes nothing.
 */
const fixture = importFixture;
const request = importRequest;

const TABLES = ['organisation', 'project', 'participation', 'funding_line', 'project_location', 'audit_event', 'activity_event'];

async function counts(app: TestApp): Promise<Record<string, number>> {
  const entries = await Promise.all(TABLES.map(async (table) => [table, (await app.sql<{ n: number }>(`select count(*)::int as n from ${table}`))[0].n] as const));
  return Object.fromEntries(entries);
}

const zero = { created: 0, updated: 0, unchanged: 0, invalid: 0 };

describe('importing register files into the demo database', () => {
  let app: TestApp;
  beforeEach(async () => {
    app = await startTestApp('demo');
  });
  afterEach(() => app.close());

  it('reads Leader decisions in Windows-1252 with ; and decimal commas, infers the Leader programme, and is idempotent', async () => {
    const before = await counts(app);
    const report = await importFile(app.orm.em.fork(), request(fixture('leader-decisions-cp1252.csv')));
    expect(report.problems).toEqual([]);
    expect(report.committed).toBe(true);
    expect(report.counts).toEqual({ organisation: { ...zero, created: 2 }, programme: zero, project: { ...zero, created: 2 } });

    const rows = await app.sql<{ name: string; business_id: string; title: string; programme: string; source: string; granted: string; decision_date: string }>(
      `select o.name, o.business_id, p.title, g.code as programme, f.source, f.granted::text, to_char(f.decision_date, 'YYYY-MM-DD') as decision_date
         from project p join programme g on g.id = p.programme_id
         join participation pa on pa.project_id = p.id and pa.role = 'LEAD' join organisation o on o.id = pa.organisation_id
         join funding_line f on f.project_id = p.id
        where o.business_id in ('2908761-3', '2345678-0') order by o.business_id`,
    );
    expect(rows).toEqual([
      { name: 'Åströmin Sahaus Oy', business_id: '2345678-0', title: 'Sahan yhteisöpäivät', programme: 'LEADER-KALAKUKKO-2014', source: 'EAFRD', granted: '1200.00', decision_date: '2019-10-15' },
      { name: 'Kärsämäen kyläyhdistys ry', business_id: '2908761-3', title: 'Kylätalon ääniympäristö', programme: 'LEADER-KALAKUKKO-2014', source: 'EAFRD', granted: '12345.50', decision_date: '2019-04-03' },
    ]);
    const after = await counts(app);
    expect(after.project - before.project).toBe(2);
    // Imported projects reach subscribers through the activity log, as any change does.
    const events = await app.sql<{ code: string }>(
      `select payload->>'code' as code from activity_event where type = 'PROJECT_CREATED' and payload->>'title' in ('Sahan yhteisöpäivät', 'Kylätalon ääniympäristö') order by 1`,
    );
    expect(events).toHaveLength(2);

    const again = await importFile(app.orm.em.fork(), request(fixture('leader-decisions-cp1252.csv')));
    expect(again.counts).toEqual({ organisation: { ...zero, unchanged: 2 }, programme: zero, project: { ...zero, unchanged: 2 } });
    expect(await counts(app)).toEqual(after);
  });

  it('refuses a file with three bad rows as a whole: the three rows reported, nothing written', async () => {
    const before = await counts(app);
    const report = await importFile(app.orm.em.fork(), request(fixture('leader-decisions-three-bad.csv')));
    expect(report.committed).toBe(false);
    expect(report.problems.map(({ line, column, message }) => ({ line, column, message }))).toEqual([
      { line: 3, column: 'Y-tunnus', message: 'Y-tunnus 1234567-8 has a wrong check digit (expected 1234567-1)' },
      { line: 4, column: 'Päätöspäivä', message: '"31.2.2019" is not a day of the calendar; expected a date such as 2024-03-31 or 31.3.2024' },
      { line: 5, column: 'Tuki €', message: '"kolmetuhatta" is not an amount; expected euros such as 1 234,50 or 1234.50' },
    ]);
    expect(report.counts.project).toEqual({ ...zero, created: 2, invalid: 3 });
    expect(await counts(app)).toEqual(before);

    const skipping = await importFile(app.orm.em.fork(), request(fixture('leader-decisions-three-bad.csv'), { skipInvalid: true }));
    expect(skipping.committed).toBe(true);
    expect(skipping.counts.project).toEqual({ ...zero, created: 2, invalid: 3 });
    expect((await counts(app)).project).toBe(before.project + 2);
  });

  it('reads an EU list of operations in Finnish (Annex XII): the EU share from the co-financing rate, the rest as state funding', async () => {
    const report = await importFile(app.orm.em.fork(), request(fixture('eu-operations-2014-fi.csv'), { skipInvalid: true }));
    // Row 2's beneficiary is named like the demo's Kuopion kaupunki, which has no Y-tunnus: a person decides.
    expect(report.problems.map(({ line, column }) => ({ line, column }))).toEqual([
      { line: 2, column: 'Tuensaaja' },
      { line: 2, column: 'Tuensaajan tunniste' },
    ]);
    expect(report.counts.project).toEqual({ ...zero, created: 1, invalid: 1 });
    const lines = await app.sql<{ source: string; planned: string }>(
      `select f.source, f.planned::text from funding_line f join project p on p.id = f.project_id where p.code = 'S21002' order by f.source`,
    );
    expect(lines).toEqual([
      { source: 'ESR', planned: '37500.00' },
      { source: 'STATE', planned: '12500.00' },
    ]);
    const [beneficiary] = await app.sql<{ name: string; system: string; value: string }>(
      `select o.name, e.system, e.value from external_id e join organisation o on o.id = e.organisation_id where e.value = 'EE-80012345'`,
    );
    expect(beneficiary).toEqual({ name: 'Joensuun Yhteisöt', system: 'eu-beneficiary-id', value: 'EE-80012345' });
  });
});
