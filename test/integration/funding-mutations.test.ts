import type { FundingSource } from '../../src/modules/funding/funding.enums';
import { ProjectStatus } from '../../src/modules/project/project.enums';
import { toGlobalId } from '../../src/shared/relay/global-id';
import { idOf, Scenario } from '../support/scenario';
import { dataOf, startTestApp, type TestApp } from '../support/test-app';

let app: TestApp;
let coordinator: string;
let partner: string;
let analyst: string;
let otherCoordinator: string;
const ids: Record<string, string> = {};

beforeAll(async () => {
  app = await startTestApp('empty');
  const s = new Scenario(app.orm);
  const kake = s.programme({ code: 'FUND-KAKE', periodStart: '2018-01-01', periodEnd: '2020-12-31' });
  const exact = s.programme({ code: 'FUND-EXACT' });
  const other = s.programme({ code: 'FUND-OTHER' });
  const race = s.programme({ code: 'FUND-RACE' });
  const lead = s.organisation({ name: 'Rahoitettavat ry' });
  const first = s.project({ programme: kake, code: 'FUND-1', lead });
  const second = s.project({ programme: kake, code: 'FUND-2', lead });
  const cents = s.project({ programme: exact, code: 'FUND-CENTS', lead });
  const hidden = s.project({ programme: other, code: 'FUND-HIDDEN', status: ProjectStatus.DRAFT });
  const racing = s.project({ programme: race, code: 'FUND-RACING', lead });
  await s.save();
  Object.assign(ids, { kake: idOf(kake), first: idOf(first), second: idOf(second), cents: idOf(cents), hidden: idOf(hidden), racing: idOf(racing) });
  coordinator = await app.signIn({ name: 'Kake-koordinaattori', coordinatorOf: [kake.id, exact.id, race.id] });
  otherCoordinator = await app.signIn({ name: 'Toinen koordinaattori', coordinatorOf: [other.id] });
  partner = await app.signIn({ name: 'Kumppani', memberOf: [lead.id] });
  analyst = await app.signIn({ analyst: true });
  // Kake's ceilings: ESR + state at most 300 000 € a year; the city about 100 000 € a year.
  await app.sql(
    `insert into programme_ceiling (programme_id, sources, annual_amount, approximate) values
     (?, '{ESR,STATE}', 300000.00, false), (?, '{MUNICIPAL}', 100000.00, true)`,
    [kake.id, kake.id],
  );
  await app.sql(`insert into programme_ceiling (programme_id, sources, annual_amount) values (?, '{ESR}', 100.00)`, [race.id]);
});
afterAll(() => app.close());

async function counts(): Promise<Record<string, number | string>> {
  const [row] = await app.sql<Record<string, string>>(
    `select (select count(*) from funding_line) as lines, (select coalesce(sum(granted), 0)::text from funding_line) as granted,
            (select count(*) from audit_event) as audit, (select count(*) from idempotency_record) as idempotency,
            (select coalesce(max(version), 0) from funding_line) as versions`,
  );
  return { lines: Number(row.lines), granted: row.granted, audit: Number(row.audit), idempotency: Number(row.idempotency), versions: Number(row.versions) };
}

const LINE_FIELDS = 'id source planned granted paid decisionDate decisionReference ceilingOverrideReason version';
const CREATE = `mutation($input: CreateFundingLineInput!) {
  createFundingLine(input: $input) { fundingLine { ${LINE_FIELDS} project { code } } userErrors { field code message } }
}`;
const UPDATE = `mutation($input: UpdateFundingLineInput!) {
  updateFundingLine(input: $input) { fundingLine { ${LINE_FIELDS} } userErrors { field code message } }
}`;
const DELETE = `mutation($input: DeleteFundingLineInput!) {
  deleteFundingLine(input: $input) { deletedFundingLineId project { code fundingTotals { granted } } userErrors { field code message } }
}`;

async function create(input: Record<string, unknown>, token = coordinator) {
  return dataOf(await app.gql(CREATE, { input }, { token })).createFundingLine;
}

describe('who may manage funding lines', () => {
  const input = () => ({ project: ids.first, source: 'ESR', planned: '1000.00' });

  it('refuses anonymous callers with UNAUTHENTICATED over HTTP 401', async () => {
    const before = await counts();
    const response = await app.gql(CREATE, { input: input() });
    expect(response.status).toBe(401);
    expect(response.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(await counts()).toEqual(before);
  });

  it("refuses partners, analysts, other programmes' coordinators and read-only tokens with FORBIDDEN", async () => {
    const before = await counts();
    const readOnly = await app.signIn({ coordinatorOf: [], readOnly: true });
    for (const token of [partner, analyst, otherCoordinator, readOnly]) {
      const response = await app.gql(CREATE, { input: input() }, { token });
      expect(response.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    }
    expect(await counts()).toEqual(before);
  });

  it('answers NOT_FOUND for hidden and missing projects and lines', async () => {
    const before = await counts();
    for (const project of [ids.hidden, toGlobalId('Project', 999_999)]) {
      const result = await create({ project, source: 'ESR' });
      expect(result).toEqual({ fundingLine: null, userErrors: [expect.objectContaining({ code: 'NOT_FOUND', field: 'input.project' })] });
    }
    const missing = dataOf(await app.gql(UPDATE, { input: { id: toGlobalId('FundingLine', 999_999), paid: '1.00' } }, { token: coordinator }));
    expect(missing.updateFundingLine.userErrors).toEqual([expect.objectContaining({ code: 'NOT_FOUND', field: 'input.id' })]);
    expect(await counts()).toEqual(before);
  });
});

describe('createFundingLine, updateFundingLine and deleteFundingLine', () => {
  it('lets the coordinator create, update and delete a line, each recorded in the audit trail', async () => {
    const created = await create({ project: ids.second, source: 'PRIVATE', planned: '5000.00', decisionReference: 'Hallitus 1/2019' });
    expect(created.userErrors).toEqual([]);
    expect(created.fundingLine).toMatchObject({ source: 'PRIVATE', planned: '5000.00', granted: '0.00', paid: '0.00', version: 1, project: { code: 'FUND-2' } });
    const id = created.fundingLine.id;

    // An advance payment: paid may exceed granted.
    const updated = dataOf(
      await app.gql(UPDATE, { input: { id, expectedVersion: 1, granted: '4000.00', paid: '4500.00', decisionDate: '2019-03-01' } }, { token: coordinator }),
    ).updateFundingLine;
    expect(updated.userErrors).toEqual([]);
    expect(updated.fundingLine).toMatchObject({ granted: '4000.00', paid: '4500.00', decisionDate: '2019-03-01', decisionReference: 'Hallitus 1/2019', version: 2 });

    const deleted = dataOf(await app.gql(DELETE, { input: { id, expectedVersion: 2 } }, { token: coordinator })).deleteFundingLine;
    expect(deleted).toMatchObject({ deletedFundingLineId: id, project: { code: 'FUND-2' }, userErrors: [] });
    const [{ count }] = await app.sql<{ count: string }>('select count(*) from funding_line where id = ?', [Number(Buffer.from(id, 'base64url').toString().split(':')[1])]);
    expect(Number(count)).toBe(0);

    const audit = await app.sql<{ operation: string; action: string; changes: Record<string, { before: unknown; after: unknown }> }>(
      `select operation, action, changes from audit_event where entity_type = 'FundingLine' order by id desc limit 3`,
    );
    expect(audit.map((row) => [row.operation, row.action])).toEqual([
      ['deleteFundingLine', 'DELETE'],
      ['updateFundingLine', 'UPDATE'],
      ['createFundingLine', 'CREATE'],
    ]);
    expect(audit[1].changes.paid).toEqual({ before: '0.00', after: '4500.00' });
  });

  it('refuses a negative amount with a coded BAD_USER_INPUT and writes nothing', async () => {
    const before = await counts();
    const response = await app.gql(CREATE, { input: { project: ids.first, source: 'ESR', granted: '-5.00', decisionDate: '2019-01-01' } }, { token: coordinator });
    expect(response.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(response.data ?? null).toBeNull();
    expect(await counts()).toEqual(before);
  });

  it.each([
    [{ granted: '10.00' }, 'REQUIRED', 'input.decisionDate'],
    [{ decisionReference: 'x'.repeat(201) }, 'TOO_LONG', 'input.decisionReference'],
    [{ overrideCeiling: { reason: '  ' } }, 'REQUIRED', 'input.overrideCeiling.reason'],
    [{ overrideCeiling: { reason: 'x'.repeat(1001) } }, 'TOO_LONG', 'input.overrideCeiling.reason'],
  ])('refuses %j with %s and writes nothing', async (fields, code, field) => {
    const before = await counts();
    const result = await create({ project: ids.first, source: 'ESR', ...fields });
    expect(result.fundingLine).toBeNull();
    expect(result.userErrors).toEqual([expect.objectContaining({ code, field })]);
    expect(await counts()).toEqual(before);
  });

  it('refuses a stale version with VERSION_CONFLICT, and a cleared amount with REQUIRED', async () => {
    const { id } = (await create({ project: ids.second, source: 'IN_KIND', planned: '100.00' })).fundingLine;
    expect(dataOf(await app.gql(UPDATE, { input: { id, expectedVersion: 1, planned: '200.00' } }, { token: coordinator })).updateFundingLine.userErrors).toEqual([]);
    const before = await counts();
    const stale = dataOf(await app.gql(UPDATE, { input: { id, expectedVersion: 1, planned: '300.00' } }, { token: coordinator })).updateFundingLine;
    expect(stale).toEqual({ fundingLine: null, userErrors: [expect.objectContaining({ code: 'VERSION_CONFLICT', field: 'input.expectedVersion' })] });
    const staleDelete = dataOf(await app.gql(DELETE, { input: { id, expectedVersion: 1 } }, { token: coordinator })).deleteFundingLine;
    expect(staleDelete.userErrors).toEqual([expect.objectContaining({ code: 'VERSION_CONFLICT' })]);
    const cleared = dataOf(await app.gql(UPDATE, { input: { id, granted: null } }, { token: coordinator })).updateFundingLine;
    expect(cleared.userErrors).toEqual([expect.objectContaining({ code: 'REQUIRED', field: 'input.granted' })]);
    const forbidden = await app.gql(DELETE, { input: { id } }, { token: partner });
    expect(forbidden.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(await counts()).toEqual(before);
  });

  it('replays createFundingLine with the same idempotency key, and refuses the key for another input', async () => {
    const input = { project: ids.second, source: 'PRIVATE', planned: '12.34', idempotencyKey: 'portal-line-1' };
    const first = await create(input);
    expect(first.userErrors).toEqual([]);
    const before = await counts();
    const again = await create(input);
    expect(again).toEqual(first);
    expect(await counts()).toEqual(before);
    const other = await create({ ...input, planned: '99.99' });
    expect(other.userErrors).toEqual([expect.objectContaining({ code: 'IDEMPOTENCY_KEY_REUSED', field: 'input.idempotencyKey' })]);
    expect(await counts()).toEqual(before);
  });

  it('keeps amounts exact: 0.10 + 0.20 totals to 0.30', async () => {
    for (const granted of ['0.10', '0.20']) {
      expect((await create({ project: ids.cents, source: 'PRIVATE', planned: granted, granted, decisionDate: '2019-06-01' })).userErrors).toEqual([]);
    }
    const totals = dataOf(await app.gql(`{ project(code: "FUND-CENTS") { fundingTotals { planned granted bySource { source granted } } } }`, {}, { token: coordinator }))
      .project.fundingTotals;
    expect(totals).toEqual({ planned: '0.30', granted: '0.30', bySource: [{ source: 'PRIVATE', granted: '0.30' }] });
  });
});

describe('annual ceilings', () => {
  const decide = (project: string, source: string, granted: string, decisionDate = '2019-05-15', extra: Record<string, unknown> = {}) =>
    create({ project, source, planned: granted, granted, decisionDate, ...extra });

  it('lets decisions reach the ESR + STATE ceiling exactly, across projects', async () => {
    expect((await decide(ids.first, 'ESR', '200000.00')).userErrors).toEqual([]);
    expect((await decide(ids.second, 'STATE', '99999.90')).userErrors).toEqual([]);
    expect((await decide(ids.second, 'STATE', '0.10')).userErrors).toEqual([]);
    // The year's total is now exactly 300 000.00; other years and other sources are separate.
    expect((await decide(ids.first, 'ESR', '250000.00', '2020-01-02')).userErrors).toEqual([]);
    expect((await decide(ids.first, 'EAFRD', '500000.00')).userErrors).toEqual([]);
  });

  it('refuses a decision over the ceiling with CEILING_EXCEEDED and writes nothing', async () => {
    const before = await counts();
    const result = await decide(ids.first, 'ESR', '0.01');
    expect(result.fundingLine).toBeNull();
    expect(result.userErrors).toHaveLength(1);
    const [error] = result.userErrors;
    expect(error).toMatchObject({ code: 'CEILING_EXCEEDED', field: 'input.granted' });
    expect(error.message).toContain('300 000.00 € a year for ESR + STATE');
    expect(error.message).toContain('in 2019');
    expect(error.message).toContain('granted so far 300 000.00 €');
    expect(error.message).toContain('with this decision 300 000.01 €');
    expect(await counts()).toEqual(before);
  });

  it('accepts the same decision with overrideCeiling, storing the reason on the line and in the audit trail', async () => {
    const reason = 'ELY-keskuksen lisämääräraha 12.6.2019, ks. POSELY/456/2019';
    const before = await counts();
    const result = await decide(ids.first, 'ESR', '0.01', '2019-05-15', { overrideCeiling: { reason } });
    expect(result.userErrors).toEqual([]);
    expect(result.fundingLine).toMatchObject({ granted: '0.01', ceilingOverrideReason: reason });
    expect((await counts()).lines).toBe((before.lines as number) + 1);
    const [audit] = await app.sql<{ operation: string; changes: Record<string, { after: unknown }> }>(
      `select operation, changes from audit_event where entity_type = 'FundingLine' order by id desc limit 1`,
    );
    expect(audit.operation).toBe('createFundingLine');
    expect(audit.changes.ceilingOverrideReason.after).toBe(reason);
  });

  it('checks raised decisions on update, and always allows lowering one', async () => {
    const line = (await decide(ids.second, 'STATE', '0.00', '2019-07-01', { planned: '1000.00' })).fundingLine;
    const before = await counts();
    const raised = dataOf(await app.gql(UPDATE, { input: { id: line.id, granted: '1000.00' } }, { token: coordinator })).updateFundingLine;
    expect(raised.userErrors).toEqual([expect.objectContaining({ code: 'CEILING_EXCEEDED', field: 'input.granted' })]);
    expect(await counts()).toEqual(before);
    // Lowering the 200 000 € ESR decision below the ceiling's remaining room is always allowed.
    const [{ id: esrId }] = await app.sql<{ id: number }>(`select id from funding_line where granted = 200000.00`);
    const lowered = dataOf(
      await app.gql(UPDATE, { input: { id: toGlobalId('FundingLine', esrId), granted: '199000.00' } }, { token: coordinator }),
    ).updateFundingLine;
    expect(lowered.userErrors).toEqual([]);
    // Now there is 999.99 € of room (300 000.01 was granted): 1000.00 is still one cent over, 999.99 fits.
    const stillOver = dataOf(await app.gql(UPDATE, { input: { id: line.id, granted: '1000.00' } }, { token: coordinator })).updateFundingLine;
    expect(stillOver.userErrors).toEqual([expect.objectContaining({ code: 'CEILING_EXCEEDED' })]);
    const fits = dataOf(await app.gql(UPDATE, { input: { id: line.id, granted: '999.99' } }, { token: coordinator })).updateFundingLine;
    expect(fits.userErrors).toEqual([]);
    expect(fits.fundingLine.ceilingOverrideReason).toBeNull();
  });

  it('does not block on an approximate ceiling ("about 100 000 €")', async () => {
    const result = await decide(ids.first, 'MUNICIPAL', '150000.00');
    expect(result.userErrors).toEqual([]);
    expect(result.fundingLine.ceilingOverrideReason).toBeNull();
  });

  it('lets only one of several concurrent decisions through when any two together break the ceiling', async () => {
    // Ceiling 100.00 ESR a year; each decision is 60.00. Without serialisation, several would pass.
    const results = await Promise.all([1, 2, 3, 4, 5, 6].map(() => decide(ids.racing, 'ESR', '60.00')));
    const codes = results.map((result) => result.userErrors.map((error: { code: string }) => error.code).join()).sort();
    expect(codes).toEqual(['', 'CEILING_EXCEEDED', 'CEILING_EXCEEDED', 'CEILING_EXCEEDED', 'CEILING_EXCEEDED', 'CEILING_EXCEEDED']);
    const [{ total }] = await app.sql<{ total: string }>(
      `select sum(f.granted)::text as total from funding_line f join project p on p.id = f.project_id where p.code = 'FUND-RACING'`,
    );
    expect(total).toBe('60.00');
  });

  it('shows the programme total exactly', async () => {
    const programme = dataOf(await app.gql(`{ programme(code: "FUND-KAKE") { fundingTotals { bySource { source granted } } } }`, {}, { token: coordinator })).programme;
    const granted = Object.fromEntries(programme.fundingTotals.bySource.map((row: { source: FundingSource; granted: string }) => [row.source, row.granted]));
    // 2019: 199 000.00 + 0.01 ESR; 2020: 250 000.00 ESR.
    expect(granted.ESR).toBe('449000.01');
    expect(granted.STATE).toBe('100999.99');
  });
});
