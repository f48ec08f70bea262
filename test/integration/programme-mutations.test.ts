import { toGlobalId } from '../../src/shared/relay/global-id';
import { idOf, Scenario } from '../support/scenario';
import { dataOf, startTestApp, type TestApp } from '../support/test-app';

let app: TestApp;
let admin: string;
let coordinator: string;
let otherCoordinator: string;
let partner: string;
let analyst: string;
const ids: Record<string, string> = {};

beforeAll(async () => {
  app = await startTestApp('empty');
  const s = new Scenario(app.orm);
  const parent = s.programme({ code: 'PRG-PARENT', name: 'Rakennerahasto-ohjelma' });
  const kake = s.programme({ code: 'PRG-KAKE', name: 'Kake Testilä', territory: [['70100', 'URBAN' as never]] });
  const other = s.programme({ code: 'PRG-OTHER' });
  const city = s.organisation({ name: 'Testilän kaupunki' });
  const association = s.organisation({ name: 'Testilän yhdistys ry' });
  await s.save();
  Object.assign(ids, { parent: idOf(parent), kake: idOf(kake), other: idOf(other), city: idOf(city) });
  admin = await app.signIn({ name: 'Ylläpitäjä', admin: true });
  coordinator = await app.signIn({ name: 'Koordinaattori', coordinatorOf: [kake.id] });
  otherCoordinator = await app.signIn({ name: 'Muu koordinaattori', coordinatorOf: [other.id] });
  partner = await app.signIn({ name: 'Kumppani', memberOf: [association.id] });
  analyst = await app.signIn({ analyst: true });
});
afterAll(() => app.close());

async function counts(): Promise<Record<string, number>> {
  const [row] = await app.sql<Record<string, string>>(
    `select (select count(*) from programme) as programmes, (select count(*) from programme_area) as areas,
            (select count(*) from programme_ceiling) as ceilings, (select count(*) from programme_decision) as decisions,
            (select count(*) from programme_coordinator) as coordinators, (select count(*) from theme) as themes,
            (select count(*) from target_group) as groups, (select count(*) from audit_event) as audit,
            (select coalesce(sum(version), 0) from programme) as versions,
            (select count(*) from programme_area where area_type = 'RURAL') as rural`,
  );
  return Object.fromEntries(Object.entries(row).map(([key, value]) => [key, Number(value)]));
}

/** Runs a refused call and checks that nothing at all was written. */
async function refused<T>(call: () => Promise<T>): Promise<T> {
  const before = await counts();
  const result = await call();
  expect(await counts()).toEqual(before);
  return result;
}

function mutation(name: string, inputType: string, selection = 'programme { id code version }'): string {
  return `mutation($input: ${inputType}!) { ${name}(input: $input) { ${selection} userErrors { field code message } } }`;
}

async function run(name: string, inputType: string, input: Record<string, unknown>, token: string | undefined, selection?: string) {
  return app.gql(mutation(name, inputType, selection), { input }, { token });
}

async function payload(name: string, inputType: string, input: Record<string, unknown>, token: string, selection?: string) {
  return dataOf(await run(name, inputType, input, token, selection))[name];
}

const NEW_PROGRAMME = {
  code: 'KAKE-TESTILA-2021',
  name: 'Kake Testilä 2021–2027',
  scheme: 'KAKE',
  periodStart: '2021-01-01',
  periodEnd: '2027-12-31',
};

describe('createProgramme', () => {
  it('is for admins: anonymous UNAUTHENTICATED (401), coordinators and partners FORBIDDEN', async () => {
    await refused(async () => {
      const anonymous = await run('createProgramme', 'CreateProgrammeInput', NEW_PROGRAMME, undefined);
      expect(anonymous.status).toBe(401);
      expect(anonymous.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
      for (const token of [coordinator, partner, analyst]) {
        expect((await run('createProgramme', 'CreateProgrammeInput', NEW_PROGRAMME, token)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
      }
    });
  });

  it.each([
    [{ periodEnd: '2020-12-31' }, 'END_BEFORE_START', 'input.periodEnd'],
    [{ code: 'PRG-KAKE' }, 'ALREADY_EXISTS', 'input.code'],
    [{ code: 'kake testilä' }, 'INVALID_VALUE', 'input.code'],
    [{ code: '' }, 'REQUIRED', 'input.code'],
    [{ name: ' ' }, 'REQUIRED', 'input.name'],
    [{ name: 'n'.repeat(301) }, 'TOO_LONG', 'input.name'],
    [{ parent: toGlobalId('Programme', 999_999) }, 'NOT_FOUND', 'input.parent'],
    [{ administeringOrganisation: toGlobalId('Organisation', 999_999) }, 'NOT_FOUND', 'input.administeringOrganisation'],
  ])('refuses %j with %s and writes nothing', async (fields, code, field) => {
    const result = await refused(() => payload('createProgramme', 'CreateProgrammeInput', { ...NEW_PROGRAMME, ...fields }, admin));
    expect(result.programme).toBeNull();
    expect(result.userErrors).toEqual([expect.objectContaining({ code, field })]);
  });

  it('creates a programme with parent and administering organisation, recorded in the audit trail', async () => {
    const result = await payload(
      'createProgramme',
      'CreateProgrammeInput',
      { ...NEW_PROGRAMME, parent: ids.parent, administeringOrganisation: ids.city },
      admin,
      'programme { code name scheme periodStart periodEnd version parent { code } administeringOrganisation { name } }',
    );
    expect(result).toEqual({
      programme: {
        code: 'KAKE-TESTILA-2021',
        name: 'Kake Testilä 2021–2027',
        scheme: 'KAKE',
        periodStart: '2021-01-01',
        periodEnd: '2027-12-31',
        version: 1,
        parent: { code: 'PRG-PARENT' },
        administeringOrganisation: { name: 'Testilän kaupunki' },
      },
      userErrors: [],
    });
    const [audit] = await app.sql<{ operation: string; action: string; account_name: string }>(
      `select operation, action, account_name from audit_event where entity_type = 'Programme' order by id desc limit 1`,
    );
    expect(audit).toEqual({ operation: 'createProgramme', action: 'CREATE', account_name: 'Ylläpitäjä' });
  });
});

describe('updateProgramme', () => {
  const UPDATE = 'UpdateProgrammeInput';

  it('lets the coordinator update with the current version and refuses a stale one', async () => {
    const { version } = dataOf(await app.gql(`{ programme(code: "PRG-KAKE") { version } }`)).programme;
    const updated = await payload('updateProgramme', UPDATE, { id: ids.kake, expectedVersion: version, description: 'Uusi kuvaus' }, coordinator);
    expect(updated).toEqual({ programme: { id: ids.kake, code: 'PRG-KAKE', version: version + 1 }, userErrors: [] });
    const stale = await refused(() => payload('updateProgramme', UPDATE, { id: ids.kake, expectedVersion: version, description: 'Vanha' }, coordinator));
    expect(stale.userErrors).toEqual([expect.objectContaining({ code: 'VERSION_CONFLICT', field: 'input.expectedVersion' })]);
  });

  it("refuses partners, analysts and other programmes' coordinators; the code is for admins", async () => {
    await refused(async () => {
      for (const token of [partner, analyst, otherCoordinator]) {
        expect((await run('updateProgramme', UPDATE, { id: ids.kake, name: 'Kaappaus' }, token)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
      }
      expect((await run('updateProgramme', UPDATE, { id: ids.kake, code: 'PRG-KAKE-2' }, coordinator)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    });
    const renamed = await payload('updateProgramme', UPDATE, { id: ids.other, code: 'PRG-OTHER-2' }, admin);
    expect(renamed.programme.code).toBe('PRG-OTHER-2');
  });

  it.each([
    ['periodEnd before periodStart', 'END_BEFORE_START', 'input.periodEnd', () => ({ periodEnd: '2017-12-31' })],
    ['periodStart cleared', 'REQUIRED', 'input.periodStart', () => ({ periodStart: null })],
    ['blank name', 'REQUIRED', 'input.name', () => ({ name: '' })],
    ['long description', 'TOO_LONG', 'input.description', () => ({ description: 'd'.repeat(10_001) })],
    ['itself as parent', 'INVALID_VALUE', 'input.parent', () => ({ parent: ids.kake })],
  ])('refuses %s with %s on %s and writes nothing', async (_what, code, field, fields) => {
    const input = { id: ids.kake, ...fields() };
    const result = await refused(() => payload('updateProgramme', UPDATE, input, coordinator));
    expect(result.userErrors).toEqual([expect.objectContaining({ code, field })]);
  });

  it('refuses a parent that would make a cycle', async () => {
    expect((await payload('updateProgramme', UPDATE, { id: ids.kake, parent: ids.parent }, admin)).userErrors).toEqual([]);
    const cycle = await refused(() => payload('updateProgramme', UPDATE, { id: ids.parent, parent: ids.kake }, admin));
    expect(cycle.userErrors).toEqual([expect.objectContaining({ code: 'INVALID_VALUE', field: 'input.parent' })]);
  });
});

describe('territory: setProgrammeArea and removeProgrammeArea', () => {
  const territory = async () =>
    dataOf(await app.gql(`{ programme(code: "PRG-KAKE") { territory(first: 50) { nodes { areaType postalArea { postalCode } } } } }`)).programme.territory.nodes;

  it('adds an area, changes its marking, and removes it', async () => {
    const before = await counts();
    expect((await payload('setProgrammeArea', 'SetProgrammeAreaInput', { programme: ids.kake, postalCode: '70870', areaType: 'URBAN' }, coordinator)).userErrors).toEqual([]);
    expect((await counts()).areas).toBe(before.areas + 1);
    expect((await payload('setProgrammeArea', 'SetProgrammeAreaInput', { programme: ids.kake, postalCode: '70870', areaType: 'RURAL' }, coordinator)).userErrors).toEqual([]);
    expect((await counts()).areas).toBe(before.areas + 1);
    expect(await territory()).toContainEqual({ areaType: 'RURAL', postalArea: { postalCode: '70870' } });
    expect((await payload('removeProgrammeArea', 'RemoveProgrammeAreaInput', { programme: ids.kake, postalCode: '70870' }, coordinator)).userErrors).toEqual([]);
    expect(await territory()).not.toContainEqual(expect.objectContaining({ postalArea: { postalCode: '70870' } }));
    const audit = await app.sql<{ operation: string; action: string }>(
      `select operation, action from audit_event where entity_type = 'ProgrammeArea' order by id desc limit 3`,
    );
    expect(audit).toEqual([
      { operation: 'removeProgrammeArea', action: 'DELETE' },
      { operation: 'setProgrammeArea', action: 'UPDATE' },
      { operation: 'setProgrammeArea', action: 'CREATE' },
    ]);
  });

  it('refuses unknown postal codes, areas not in the territory and strangers, writing nothing', async () => {
    await refused(async () => {
      for (const postalCode of ['00001', '7010', 'abcde']) {
        const result = await payload('setProgrammeArea', 'SetProgrammeAreaInput', { programme: ids.kake, postalCode, areaType: 'URBAN' }, coordinator);
        expect(result.userErrors).toEqual([expect.objectContaining({ code: 'UNKNOWN_POSTAL_CODE', field: 'input.postalCode' })]);
      }
      const missing = await payload('removeProgrammeArea', 'RemoveProgrammeAreaInput', { programme: ids.kake, postalCode: '70200' }, coordinator);
      expect(missing.userErrors).toEqual([expect.objectContaining({ code: 'NOT_FOUND', field: 'input.postalCode' })]);
      const unknownProgramme = await payload('setProgrammeArea', 'SetProgrammeAreaInput', { programme: toGlobalId('Programme', 999_999), postalCode: '70100', areaType: 'URBAN' }, coordinator);
      expect(unknownProgramme.userErrors).toEqual([expect.objectContaining({ code: 'NOT_FOUND', field: 'input.programme' })]);
      for (const token of [partner, analyst, otherCoordinator]) {
        const response = await run('setProgrammeArea', 'SetProgrammeAreaInput', { programme: ids.kake, postalCode: '70100', areaType: 'RURAL' }, token);
        expect(response.errors?.[0].extensions?.code).toBe('FORBIDDEN');
        const removal = await run('removeProgrammeArea', 'RemoveProgrammeAreaInput', { programme: ids.kake, postalCode: '70100' }, token);
        expect(removal.errors?.[0].extensions?.code).toBe('FORBIDDEN');
      }
    });
  });
});

describe('ceilings: setProgrammeCeiling and removeProgrammeCeiling', () => {
  const SET = 'SetProgrammeCeilingInput';
  const SELECTION = 'ceiling { id sources annualAmount year approximate } programme { ceilings { id } }';

  it('adds a ceiling, changes the one with the same sources and year, and removes it', async () => {
    const before = await counts();
    const first = await payload('setProgrammeCeiling', SET, { programme: ids.kake, sources: ['STATE', 'ESR'], annualAmount: '300000' }, coordinator, SELECTION);
    expect(first.userErrors).toEqual([]);
    expect(first.ceiling).toMatchObject({ sources: ['ESR', 'STATE'], annualAmount: '300000.00', year: null, approximate: false });
    const again = await payload('setProgrammeCeiling', SET, { programme: ids.kake, sources: ['ESR', 'STATE', 'ESR'], annualAmount: '250000.50' }, coordinator, SELECTION);
    expect(again.ceiling).toMatchObject({ id: first.ceiling.id, annualAmount: '250000.50' });
    const city = await payload('setProgrammeCeiling', SET, { programme: ids.kake, sources: ['MUNICIPAL'], annualAmount: '100000.00', approximate: true }, coordinator, SELECTION);
    expect(city.ceiling).toMatchObject({ sources: ['MUNICIPAL'], approximate: true });
    const yearly = await payload('setProgrammeCeiling', SET, { programme: ids.kake, sources: ['ESR', 'STATE'], annualAmount: '1.00', year: 2021 }, coordinator, SELECTION);
    expect(yearly.ceiling.id).not.toBe(first.ceiling.id);
    expect((await counts()).ceilings).toBe(before.ceilings + 3);

    const removed = await payload('removeProgrammeCeiling', 'RemoveProgrammeCeilingInput', { id: yearly.ceiling.id }, coordinator, 'programme { ceilings { id } }');
    expect(removed.userErrors).toEqual([]);
    expect(removed.programme.ceilings.map((c: { id: string }) => c.id)).toEqual([first.ceiling.id, city.ceiling.id]);
    const audit = await app.sql<{ operation: string; action: string }>(
      `select operation, action from audit_event where entity_type = 'ProgrammeCeiling' order by id desc limit 2`,
    );
    expect(audit).toEqual([
      { operation: 'removeProgrammeCeiling', action: 'DELETE' },
      { operation: 'setProgrammeCeiling', action: 'CREATE' },
    ]);
  });

  it('refuses bad input and strangers, writing nothing', async () => {
    const [ceiling] = await app.sql<{ id: number }>(`select id from programme_ceiling order by id limit 1`);
    await refused(async () => {
      const empty = await payload('setProgrammeCeiling', SET, { programme: ids.kake, sources: [], annualAmount: '1.00' }, coordinator, SELECTION);
      expect(empty.userErrors).toEqual([expect.objectContaining({ code: 'REQUIRED', field: 'input.sources' })]);
      const year = await payload('setProgrammeCeiling', SET, { programme: ids.kake, sources: ['ESR'], annualAmount: '1.00', year: 20 }, coordinator, SELECTION);
      expect(year.userErrors).toEqual([expect.objectContaining({ code: 'INVALID_VALUE', field: 'input.year' })]);
      const negative = await run('setProgrammeCeiling', SET, { programme: ids.kake, sources: ['ESR'], annualAmount: '-1.00' }, coordinator, SELECTION);
      expect(negative.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      const missing = await payload('removeProgrammeCeiling', 'RemoveProgrammeCeilingInput', { id: toGlobalId('ProgrammeCeiling', 999_999) }, coordinator, 'programme { id }');
      expect(missing.userErrors).toEqual([expect.objectContaining({ code: 'NOT_FOUND', field: 'input.id' })]);
      for (const token of [partner, analyst, otherCoordinator]) {
        expect((await run('setProgrammeCeiling', SET, { programme: ids.kake, sources: ['ESR'], annualAmount: '1.00' }, token, SELECTION)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
        const removal = await run('removeProgrammeCeiling', 'RemoveProgrammeCeilingInput', { id: toGlobalId('ProgrammeCeiling', ceiling.id) }, token, 'programme { id }');
        expect(removal.errors?.[0].extensions?.code).toBe('FORBIDDEN');
      }
    });
  });
});

describe('addProgrammeDecision', () => {
  const ADD = 'AddProgrammeDecisionInput';
  const decision = { programme: '', body: 'Kuopion kaupunginhallitus', date: '2017-10-02', reference: 'Kaupunginhallitus 2.10.2017 § 120', outcome: 'APPROVED', summary: 'Kake-ohjelman käynnistäminen' };

  it('records a decision for the coordinator', async () => {
    const result = await payload('addProgrammeDecision', ADD, { ...decision, programme: ids.kake }, coordinator, 'decision { body date reference outcome } programme { decisions { reference } }');
    expect(result.userErrors).toEqual([]);
    expect(result.decision).toEqual({ body: 'Kuopion kaupunginhallitus', date: '2017-10-02', reference: 'Kaupunginhallitus 2.10.2017 § 120', outcome: 'APPROVED' });
    expect(result.programme.decisions).toContainEqual({ reference: 'Kaupunginhallitus 2.10.2017 § 120' });
  });

  it('refuses a blank body, long texts and strangers, writing nothing', async () => {
    await refused(async () => {
      const blank = await payload('addProgrammeDecision', ADD, { ...decision, programme: ids.kake, body: ' ' }, coordinator);
      expect(blank.userErrors).toEqual([expect.objectContaining({ code: 'REQUIRED', field: 'input.body' })]);
      const long = await payload('addProgrammeDecision', ADD, { ...decision, programme: ids.kake, reference: 'r'.repeat(301) }, coordinator);
      expect(long.userErrors).toEqual([expect.objectContaining({ code: 'TOO_LONG', field: 'input.reference' })]);
      for (const token of [partner, analyst, otherCoordinator]) {
        expect((await run('addProgrammeDecision', ADD, { ...decision, programme: ids.kake }, token)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
      }
    });
  });
});

describe('coordinators: addProgrammeCoordinator and removeProgrammeCoordinator', () => {
  const ADD = 'AddProgrammeCoordinatorInput';
  const REMOVE = 'RemoveProgrammeCoordinatorInput';

  it('lets admins appoint a coordinator, who may then manage the programme, and remove them again', async () => {
    const newcomer = await app.signIn({ name: 'Uusi koordinaattori' });
    const account = dataOf(await app.gql('{ viewer { account { id } } }', {}, { token: newcomer })).viewer.account.id;
    const area = { programme: ids.kake, postalCode: '70110', areaType: 'URBAN' };
    expect((await run('setProgrammeArea', 'SetProgrammeAreaInput', area, newcomer)).errors?.[0].extensions?.code).toBe('FORBIDDEN');

    expect((await payload('addProgrammeCoordinator', ADD, { programme: ids.kake, account }, admin)).userErrors).toEqual([]);
    expect((await payload('setProgrammeArea', 'SetProgrammeAreaInput', area, newcomer)).userErrors).toEqual([]);
    const twice = await refused(() => payload('addProgrammeCoordinator', ADD, { programme: ids.kake, account }, admin));
    expect(twice.userErrors).toEqual([expect.objectContaining({ code: 'ALREADY_EXISTS', field: 'input.account' })]);

    expect((await payload('removeProgrammeCoordinator', REMOVE, { programme: ids.kake, account }, admin)).userErrors).toEqual([]);
    const removal = await run('removeProgrammeArea', 'RemoveProgrammeAreaInput', { programme: ids.kake, postalCode: '70110' }, newcomer);
    expect(removal.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const again = await refused(() => payload('removeProgrammeCoordinator', REMOVE, { programme: ids.kake, account }, admin));
    expect(again.userErrors).toEqual([expect.objectContaining({ code: 'NOT_FOUND', field: 'input.account' })]);
    const audit = await app.sql<{ operation: string; action: string }>(
      `select operation, action from audit_event where entity_type = 'ProgrammeCoordinator' order by id desc limit 2`,
    );
    expect(audit).toEqual([
      { operation: 'removeProgrammeCoordinator', action: 'DELETE' },
      { operation: 'addProgrammeCoordinator', action: 'CREATE' },
    ]);
  });

  it('refuses unknown accounts and everyone but admins, writing nothing', async () => {
    await refused(async () => {
      const unknown = await payload('addProgrammeCoordinator', ADD, { programme: ids.kake, account: toGlobalId('Account', 999_999) }, admin);
      expect(unknown.userErrors).toEqual([expect.objectContaining({ code: 'NOT_FOUND', field: 'input.account' })]);
      const someone = toGlobalId('Account', 1);
      for (const token of [coordinator, partner, analyst]) {
        expect((await run('addProgrammeCoordinator', ADD, { programme: ids.kake, account: someone }, token)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
        expect((await run('removeProgrammeCoordinator', REMOVE, { programme: ids.kake, account: someone }, token)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
      }
      const anonymous = await run('addProgrammeCoordinator', ADD, { programme: ids.kake, account: someone }, undefined);
      expect(anonymous.status).toBe(401);
    });
  });
});

describe('vocabularies: themes and target groups', () => {
  const THEME = 'theme { id code labelFi labelEn }';
  const GROUP = 'targetGroup { id code labelFi labelEn }';

  it('lets coordinators of any programme and admins create and relabel themes and target groups', async () => {
    const theme = await payload('createTheme', 'CreateThemeInput', { code: 'CIRCULAR_ECONOMY', labelFi: 'Kiertotalous', labelEn: 'Circular economy' }, otherCoordinator, THEME);
    expect(theme).toEqual({ theme: { id: expect.any(String), code: 'CIRCULAR_ECONOMY', labelFi: 'Kiertotalous', labelEn: 'Circular economy' }, userErrors: [] });
    const relabelled = await payload('updateTheme', 'UpdateThemeInput', { id: theme.theme.id, labelEn: 'The circular economy' }, admin, THEME);
    expect(relabelled.theme).toMatchObject({ code: 'CIRCULAR_ECONOMY', labelFi: 'Kiertotalous', labelEn: 'The circular economy' });

    const group = await payload('createTargetGroup', 'CreateTargetGroupInput', { code: 'CARERS', labelFi: 'Omaishoitajat', labelEn: 'Carers' }, coordinator, GROUP);
    expect(group.userErrors).toEqual([]);
    const regrouped = await payload('updateTargetGroup', 'UpdateTargetGroupInput', { id: group.targetGroup.id, labelFi: 'Omaishoitajat ja läheiset' }, coordinator, GROUP);
    expect(regrouped.targetGroup).toMatchObject({ code: 'CARERS', labelFi: 'Omaishoitajat ja läheiset', labelEn: 'Carers' });

    const themes = dataOf(await app.gql('{ themes { code } }')).themes.map((t: { code: string }) => t.code);
    expect(themes).toContain('CIRCULAR_ECONOMY');
    const audit = await app.sql<{ entity_type: string; operation: string }>(
      `select entity_type, operation from audit_event where entity_type in ('Theme', 'TargetGroup') order by id`,
    );
    expect(audit).toEqual([
      { entity_type: 'Theme', operation: 'createTheme' },
      { entity_type: 'Theme', operation: 'updateTheme' },
      { entity_type: 'TargetGroup', operation: 'createTargetGroup' },
      { entity_type: 'TargetGroup', operation: 'updateTargetGroup' },
    ]);
  });

  it.each([
    [{ code: 'circular' }, 'INVALID_VALUE', 'input.code'],
    [{ code: 'DOUBLE__UNDERSCORE' }, 'INVALID_VALUE', 'input.code'],
    [{ code: 'LOCAL_FOOD' }, 'ALREADY_EXISTS', 'input.code'],
    [{ labelFi: '' }, 'REQUIRED', 'input.labelFi'],
    [{ labelEn: 'e'.repeat(201) }, 'TOO_LONG', 'input.labelEn'],
  ])('refuses a theme with %j (%s) and writes nothing', async (fields, code, field) => {
    const input = { code: 'NEW_THEME', labelFi: 'Uusi', labelEn: 'New', ...fields };
    const result = await refused(() => payload('createTheme', 'CreateThemeInput', input, coordinator, THEME));
    expect(result.userErrors).toEqual([expect.objectContaining({ code, field })]);
  });

  it('refuses partners, analysts and anonymous callers, and unknown terms, writing nothing', async () => {
    const [{ id }] = await app.sql<{ id: number }>(`select id from target_group where code = 'YOUNG_PEOPLE'`);
    await refused(async () => {
      for (const token of [partner, analyst]) {
        expect((await run('createTheme', 'CreateThemeInput', { code: 'X', labelFi: 'X', labelEn: 'X' }, token, THEME)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
        expect((await run('updateTargetGroup', 'UpdateTargetGroupInput', { id: toGlobalId('TargetGroup', id), labelFi: 'X' }, token, GROUP)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
      }
      expect((await run('createTargetGroup', 'CreateTargetGroupInput', { code: 'X', labelFi: 'X', labelEn: 'X' }, undefined, GROUP)).status).toBe(401);
      const unknown = await payload('updateTheme', 'UpdateThemeInput', { id: toGlobalId('Theme', 999_999), labelFi: 'X' }, coordinator, THEME);
      expect(unknown.userErrors).toEqual([expect.objectContaining({ code: 'NOT_FOUND', field: 'input.id' })]);
      const blank = await payload('updateTargetGroup', 'UpdateTargetGroupInput', { id: toGlobalId('TargetGroup', id), labelEn: ' ' }, coordinator, GROUP);
      expect(blank.userErrors).toEqual([expect.objectContaining({ code: 'REQUIRED', field: 'input.labelEn' })]);
    });
  });
});
