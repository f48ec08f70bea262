import { toGlobalId } from '../../src/shared/relay/global-id';
import { idOf, Scenario } from '../support/scenario';
import { dataOf, startTestApp, type TestApp } from '../support/test-app';

/**
 * Contact details across organisations need a verified membership: a newly registered organisation's
 * people see only their own until a coordinator or admin verifies them.
 */
let app: TestApp;
let other: { id: number; gid: string };
let coordinator: string;

beforeAll(async () => {
  app = await startTestApp('empty');
  const s = new Scenario(app.orm);
  const programme = s.programme({ code: 'VER-PRG' });
  const existing = s.organisation({ name: 'Vanha yhdistys ry' });
  await s.save();
  other = { id: existing.id, gid: idOf(existing) };
  await app.sql(`insert into contact_person (organisation_id, name, email, phone) values (?, 'Veera Vanha', 'veera@example.fi', '+358 40 222 2222')`, [existing.id]);
  coordinator = await app.signIn({ name: 'Koordinaattori', coordinatorOf: [programme.id] });
});
afterAll(() => app.close());

const CREATE = `mutation($input: CreateOrganisationInput!) {
  createOrganisation(input: $input) { organisation { id contactPeople { email phone } } userErrors { code field } }
}`;
const VERIFY = `mutation($input: VerifyOrganisationMemberInput!) {
  verifyOrganisationMember(input: $input) { organisation { id } userErrors { code field message } }
}`;
const CONTACTS = `query($id: ID!) { node(id: $id) { ... on Organisation { contactPeople { name email phone } } } }`;
const VIEWER = '{ viewer { account { id } viewerCanSeeContactDetails organisations { name } verifiedOrganisations { name } } }';

async function contactsOf(organisation: string, token: string): Promise<{ email: string | null; phone: string | null }[]> {
  return dataOf(await app.gql(CONTACTS, { id: organisation }, { token })).node.contactPeople;
}

describe('membership verification', () => {
  it('a new organisation’s creator sees its own contact details, not others’, until a coordinator verifies the membership', async () => {
    const founder = await app.signIn({ name: 'Perustaja' });
    const created = dataOf(
      await app.gql(CREATE, { input: { name: 'Uusi yhdistys ry', type: 'ASSOCIATION', contactPeople: [{ name: 'Uuno Uusi', email: 'uuno@example.fi', phone: '+358 40 333 3333' }] } }, { token: founder }),
    ).createOrganisation;
    expect(created.userErrors).toEqual([]);
    // Its own, already in the payload of the mutation that made it a member.
    expect(created.organisation.contactPeople).toEqual([{ email: 'uuno@example.fi', phone: '+358 40 333 3333' }]);
    expect(await contactsOf(created.organisation.id, founder)).toEqual([{ name: 'Uuno Uusi', email: 'uuno@example.fi', phone: '+358 40 333 3333' }]);
    expect(await contactsOf(other.gid, founder)).toEqual([{ name: 'Veera Vanha', email: null, phone: null }]);
    const before = dataOf(await app.gql(VIEWER, {}, { token: founder })).viewer;
    expect(before).toMatchObject({ viewerCanSeeContactDetails: false, organisations: [{ name: 'Uusi yhdistys ry' }], verifiedOrganisations: [] });
    const [membership] = await app.sql<{ verified_at: Date | null }>('select verified_at from membership where account_id = ?', [Number(Buffer.from(before.account.id, 'base64url').toString().split(':')[1])]);
    expect(membership.verified_at).toBeNull();

    // A partner may not verify itself.
    const self = await app.gql(VERIFY, { input: { organisation: created.organisation.id, account: before.account.id } }, { token: founder });
    expect(self.errors?.[0].extensions?.code).toBe('FORBIDDEN');

    const [{ last }] = await app.sql<{ last: string }>('select coalesce(max(id), 0) as last from audit_event');
    const verified = dataOf(await app.gql(VERIFY, { input: { organisation: created.organisation.id, account: before.account.id } }, { token: coordinator })).verifyOrganisationMember;
    expect(verified.userErrors).toEqual([]);

    expect(await contactsOf(other.gid, founder)).toEqual([{ name: 'Veera Vanha', email: 'veera@example.fi', phone: '+358 40 222 2222' }]);
    expect(dataOf(await app.gql(VIEWER, {}, { token: founder })).viewer).toMatchObject({ viewerCanSeeContactDetails: true, verifiedOrganisations: [{ name: 'Uusi yhdistys ry' }] });

    // Audited, with who verified it.
    const audit = await app.sql<{ entity_type: string; action: string; changes: Record<string, { before: unknown; after: unknown }> }>(
      `select entity_type, action, changes from audit_event where id > ? and operation = 'verifyOrganisationMember'`,
      [last],
    );
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ entity_type: 'Membership', action: 'UPDATE' });
    expect(audit[0].changes.verifiedAt).toMatchObject({ before: null, after: expect.any(String) });
    expect(audit[0].changes.verifiedBy.before).toBeNull();
    expect(audit[0].changes.verifiedBy.after).not.toBeNull();

    // Verifying again changes nothing and writes nothing.
    const again = dataOf(await app.gql(VERIFY, { input: { organisation: created.organisation.id, account: before.account.id } }, { token: coordinator })).verifyOrganisationMember;
    expect(again.userErrors).toEqual([]);
    const [{ count }] = await app.sql<{ count: string }>(`select count(*) from audit_event where operation = 'verifyOrganisationMember'`);
    expect(Number(count)).toBe(1);
  });

  it('refuses an account that is not a member with NOT_FOUND', async () => {
    const [stranger] = await app.sql<{ id: number }>(`insert into account (name) values ('Vieras') returning id`);
    const result = dataOf(await app.gql(VERIFY, { input: { organisation: other.gid, account: toGlobalId('Account', stranger.id) } }, { token: coordinator })).verifyOrganisationMember;
    expect(result).toEqual({ organisation: null, userErrors: [expect.objectContaining({ code: 'NOT_FOUND', field: 'input.account' })] });
  });

  it('a member added by an admin is verified at once; one added by a fellow member waits', async () => {
    const admin = await app.signIn({ admin: true });
    const member = await app.signIn({ unverifiedMemberOf: [other.id] });
    const add = `mutation($input: AddOrganisationMemberInput!) { addOrganisationMember(input: $input) { userErrors { code } } }`;
    const [byAdmin, byMember] = await app.sql<{ id: number }>(`insert into account (name) values ('Lisätty 1'), ('Lisätty 2') returning id`);
    expect(dataOf(await app.gql(add, { input: { organisation: other.gid, account: toGlobalId('Account', byAdmin.id) } }, { token: admin })).addOrganisationMember.userErrors).toEqual([]);
    expect(dataOf(await app.gql(add, { input: { organisation: other.gid, account: toGlobalId('Account', byMember.id) } }, { token: member })).addOrganisationMember.userErrors).toEqual([]);
    const rows = await app.sql<{ account_id: number; verified: boolean }>(
      'select account_id, verified_at is not null as verified from membership where account_id in (?, ?) order by account_id',
      [byAdmin.id, byMember.id],
    );
    expect(rows).toEqual([
      { account_id: byAdmin.id, verified: true },
      { account_id: byMember.id, verified: false },
    ]);
  });
});
