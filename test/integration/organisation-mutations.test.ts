import { startTestApp, dataOf, type TestApp } from '../support/test-app';

let app: TestApp;
let partner: string;

beforeAll(async () => {
  app = await startTestApp('empty');
  partner = await app.signIn({ name: 'Perustaja' });
});
afterAll(() => app.close());

async function counts(): Promise<Record<string, number>> {
  const [row] = await app.sql<Record<string, string>>(
    `select (select count(*) from organisation) as organisations, (select count(*) from contact_person) as contacts,
            (select count(*) from membership) as memberships, (select count(*) from audit_event) as audit,
            (select count(*) from idempotency_record) as idempotency`,
  );
  return Object.fromEntries(Object.entries(row).map(([key, value]) => [key, Number(value)]));
}

const CREATE = `mutation($input: CreateOrganisationInput!) {
  createOrganisation(input: $input) {
    organisation { id name businessId version contactPeople { name email } }
    userErrors { field code message }
  }
}`;

describe('createOrganisation', () => {
  it('needs a signed-in account: UNAUTHENTICATED over HTTP 401, and FORBIDDEN for a read-only token', async () => {
    const before = await counts();
    const anonymous = await app.gql(CREATE, { input: { name: 'Nimetön ry', type: 'ASSOCIATION' } });
    expect(anonymous.status).toBe(401);
    expect(anonymous.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    const reader = await app.signIn({ readOnly: true });
    const readOnly = await app.gql(CREATE, { input: { name: 'Nimetön ry', type: 'ASSOCIATION' } }, { token: reader });
    expect(readOnly.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const badToken = await app.gql('{ viewer { signedIn } }', {}, { token: 'silta_' + 'x'.repeat(43) });
    expect(badToken.status).toBe(401);
    expect(await counts()).toEqual(before);
  });

  it.each([
    [{ name: 'Väärä ry', type: 'ASSOCIATION', businessId: '1234567-8' }, 'INVALID_BUSINESS_ID', 'input.businessId'],
    [{ name: '', type: 'ASSOCIATION' }, 'REQUIRED', 'input.name'],
    [{ name: 'x'.repeat(301), type: 'ASSOCIATION' }, 'TOO_LONG', 'input.name'],
    [{ name: 'Osoite ry', type: 'ASSOCIATION', website: 'ftp://example.fi' }, 'INVALID_URL', 'input.website'],
    [{ name: 'Posti ry', type: 'ASSOCIATION', postalCode: '00001' }, 'UNKNOWN_POSTAL_CODE', 'input.postalCode'],
    [{ name: 'Kunta ry', type: 'ASSOCIATION', municipalityCode: '999' }, 'UNKNOWN_MUNICIPALITY', 'input.municipalityCode'],
    [{ name: 'Rekisteri ry', type: 'ASSOCIATION', associationRegisterNumber: '1234567' }, 'INVALID_VALUE', 'input.associationRegisterNumber'],
    [{ name: 'Posti2 ry', type: 'ASSOCIATION', contactPeople: [{ name: 'Maija', email: 'ei-osoite' }] }, 'INVALID_EMAIL', 'input.contactPeople[0].email'],
    [{ name: 'Teksti ry', type: 'ASSOCIATION', description: 'ä'.repeat(10_001) }, 'TOO_LONG', 'input.description'],
  ])('refuses %j with %s and writes nothing', async (input, code, field) => {
    const before = await counts();
    const result = dataOf(await app.gql(CREATE, { input }, { token: partner })).createOrganisation;
    expect(result.organisation).toBeNull();
    expect(result.userErrors).toEqual([expect.objectContaining({ code, field })]);
    expect(await counts()).toEqual(before);
  });

  it('creates an organisation, stores Unicode exactly, makes the caller a member and records the audit trail', async () => {
    const before = await counts();
    const input = {
      name: 'Kylätalo Öljymäki ry 🏡',
      type: 'ASSOCIATION',
      businessId: '0171450-7',
      municipalityCode: '297',
      postalCode: '70870',
      website: 'https://oljymaki.example.fi',
      contactPeople: [{ name: 'Åsa Ääpälä', email: 'asa@example.fi', phone: '+358 40 000 0001' }],
    };
    const result = dataOf(await app.gql(CREATE, { input }, { token: partner })).createOrganisation;
    expect(result.userErrors).toEqual([]);
    expect(result.organisation).toMatchObject({ name: 'Kylätalo Öljymäki ry 🏡', businessId: '0171450-7', version: 1 });
    expect(result.organisation.contactPeople).toEqual([{ name: 'Åsa Ääpälä', email: 'asa@example.fi' }]);
    const after = await counts();
    expect(after.organisations).toBe(before.organisations + 1);
    expect(after.memberships).toBe(before.memberships + 1);
    const audit = await app.sql<{ entity_type: string; action: string; operation: string; changes: Record<string, { after: unknown }> }>(
      'select entity_type, action, operation, changes from audit_event order by id desc limit 3',
    );
    expect(audit.map((row) => row.entity_type).sort()).toEqual(['ContactPerson', 'Membership', 'Organisation']);
    const organisationRow = audit.find((row) => row.entity_type === 'Organisation')!;
    expect(organisationRow).toMatchObject({ action: 'CREATE', operation: 'createOrganisation' });
    expect(organisationRow.changes.name.after).toBe('Kylätalo Öljymäki ry 🏡');

    // Anonymous readers do not see contact details; members do.
    const query = `query($b: String!) { organisation(businessId: $b) { contactPeople { name email phone } } }`;
    const anonymous = dataOf(await app.gql(query, { b: '0171450-7' })).organisation.contactPeople[0];
    expect(anonymous).toEqual({ name: 'Åsa Ääpälä', email: null, phone: null });
    const member = dataOf(await app.gql(query, { b: '0171450-7' }, { token: partner })).organisation.contactPeople[0];
    expect(member).toEqual({ name: 'Åsa Ääpälä', email: 'asa@example.fi', phone: '+358 40 000 0001' });
  });

  it('refuses duplicates by Y-tunnus and by name, ignoring case and Unicode normalisation', async () => {
    dataOf(await app.gql(CREATE, { input: { name: 'Mäntylän kyläyhdistys ry', type: 'ASSOCIATION' } }, { token: partner }));
    const before = await counts();
    const decomposed = 'MA\u0308NTYLA\u0308N KYLÄYHDISTYS RY';
    const byName = dataOf(await app.gql(CREATE, { input: { name: decomposed, type: 'ASSOCIATION' } }, { token: partner })).createOrganisation;
    expect(byName.userErrors).toEqual([expect.objectContaining({ code: 'ALREADY_EXISTS', field: 'input.name' })]);
    const byId = dataOf(await app.gql(CREATE, { input: { name: 'Toinen ry', type: 'ASSOCIATION', businessId: '0171450-7' } }, { token: partner })).createOrganisation;
    expect(byId.userErrors).toEqual([expect.objectContaining({ code: 'ALREADY_EXISTS', field: 'input.businessId' })]);
    expect(await counts()).toEqual(before);
  });

  it('replays an idempotency key: same result, nothing new written; another input with the key is refused', async () => {
    const input = { name: 'Toistettava ry', type: 'ASSOCIATION', idempotencyKey: 'portal-42' };
    const first = dataOf(await app.gql(CREATE, { input }, { token: partner })).createOrganisation;
    expect(first.userErrors).toEqual([]);
    const before = await counts();
    const again = dataOf(await app.gql(CREATE, { input }, { token: partner })).createOrganisation;
    expect(again.organisation.id).toBe(first.organisation.id);
    expect(await counts()).toEqual(before);
    const other = dataOf(await app.gql(CREATE, { input: { ...input, name: 'Eri ry' } }, { token: partner })).createOrganisation;
    expect(other.userErrors).toEqual([expect.objectContaining({ code: 'IDEMPOTENCY_KEY_REUSED' })]);
    expect(await counts()).toEqual(before);
  });
});

describe('updateOrganisation and archiveOrganisation', () => {
  const UPDATE = `mutation($input: UpdateOrganisationInput!) { updateOrganisation(input: $input) { organisation { name version description } userErrors { field code } } }`;

  it('updates with the current version, refuses a stale one, and refuses strangers', async () => {
    const created = dataOf(await app.gql(CREATE, { input: { name: 'Versioitu ry', type: 'ASSOCIATION' } }, { token: partner })).createOrganisation.organisation;
    const updated = dataOf(await app.gql(UPDATE, { input: { id: created.id, expectedVersion: 1, description: 'Uusi kuvaus' } }, { token: partner })).updateOrganisation;
    expect(updated).toEqual({ organisation: { name: 'Versioitu ry', version: 2, description: 'Uusi kuvaus' }, userErrors: [] });
    const before = await counts();
    const stale = dataOf(await app.gql(UPDATE, { input: { id: created.id, expectedVersion: 1, description: 'Vanha' } }, { token: partner })).updateOrganisation;
    expect(stale.userErrors).toEqual([{ field: 'input.expectedVersion', code: 'VERSION_CONFLICT' }]);
    expect(await counts()).toEqual(before);
    const stranger = await app.signIn({ name: 'Ulkopuolinen' });
    const refused = await app.gql(UPDATE, { input: { id: created.id, description: 'Kaappaus' } }, { token: stranger });
    expect(refused.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const history = await app.sql<{ changes: Record<string, { before: unknown; after: unknown }> }>(
      `select changes from audit_event where entity_type = 'Organisation' and operation = 'updateOrganisation' order by id desc limit 1`,
    );
    expect(history[0].changes.description).toEqual({ before: null, after: 'Uusi kuvaus' });
  });

  it('archives once, then refuses further edits', async () => {
    const created = dataOf(await app.gql(CREATE, { input: { name: 'Arkistoitava ry', type: 'ASSOCIATION' } }, { token: partner })).createOrganisation.organisation;
    const archived = dataOf(
      await app.gql(`mutation($input: ArchiveOrganisationInput!) { archiveOrganisation(input: $input) { organisation { archivedAt } userErrors { code } } }`, {
        input: { id: created.id },
      }, { token: partner }),
    ).archiveOrganisation;
    expect(archived.organisation.archivedAt).toBeTruthy();
    const edit = dataOf(await app.gql(UPDATE, { input: { id: created.id, description: 'x' } }, { token: partner })).updateOrganisation;
    expect(edit.userErrors).toEqual([{ field: 'input.id', code: 'ARCHIVED' }]);
  });
});

describe('the audit trail', () => {
  it('cannot be altered through the app’s own connection', async () => {
    const [{ count }] = await app.sql<{ count: string }>('select count(*) from audit_event');
    expect(Number(count)).toBeGreaterThan(0);
    await expect(app.sql(`update audit_event set operation = 'forged'`)).rejects.toThrow(/append-only/);
    await expect(app.sql('delete from audit_event')).rejects.toThrow(/append-only/);
    await expect(app.sql('truncate audit_event')).rejects.toThrow(/append-only/);
    const [{ count: after }] = await app.sql<{ count: string }>('select count(*) from audit_event');
    expect(after).toBe(count);
  });

  it('is readable by analysts through auditLog and history, and not by partners', async () => {
    const analyst = await app.signIn({ analyst: true });
    const log = dataOf(await app.gql(`{ auditLog(first: 5, filter: { entityType: "Organisation" }) { totalCount nodes { operation action accountName entity changes } } }`, {}, { token: analyst })).auditLog;
    expect(log.totalCount).toBeGreaterThan(0);
    expect(log.nodes[0]).toEqual(expect.objectContaining({ action: expect.any(String), accountName: 'Perustaja' }));
    // Empty for a partner (not an error, which would take a query's other fields down).
    expect(dataOf(await app.gql('{ auditLog { totalCount } }', {}, { token: partner })).auditLog).toEqual({ totalCount: 0 });
  });
});
