import { Client } from 'pg';
import { FundingSource } from '../../src/modules/funding/funding.enums';
import { ProjectStatus } from '../../src/modules/project/project.enums';
import { idOf, Scenario } from '../support/scenario';
import { dataOf, startTestApp, type TestApp } from '../support/test-app';

/**
 * The draft/rejected rule lives in PostgreSQL (row-level security) and the app serves as a role
 * that cannot get around it; these tests talk to the database as that role directly, as a bug or an
 * injected statement would, and through the API where the rule used to be remembered per query.
 */
let app: TestApp;
const keys: Record<string, number> = {};
const ids: Record<string, string> = {};
let partnerOfOwner: string;
let otherCoordinator: string;
let draftCoordinator: string;
let memberOfOwner: string;

beforeAll(async () => {
  app = await startTestApp('empty');
  const s = new Scenario(app.orm);
  const programme = s.programme({ code: 'RLS-KAKE' });
  const other = s.programme({ code: 'RLS-LEADER' });
  const owner = s.organisation({ name: 'Luonnosyhdistys ry' });
  const partner = s.organisation({ name: 'Salainen kumppani ry' });
  const visible = s.organisation({ name: 'Avoin yhdistys ry' });
  const draft = s.project({
    programme,
    code: 'RLS-DRAFT',
    title: 'Salainen luonnos',
    status: ProjectStatus.DRAFT,
    lead: owner,
    funding: [{ source: FundingSource.ESR, planned: '900000.00', granted: '900000.00' }],
  });
  const open = s.project({ programme, code: 'RLS-OPEN', title: 'Avoin hanke', status: ProjectStatus.ONGOING, lead: visible, funding: [{ source: FundingSource.ESR, planned: '10.00', granted: '10.00' }] });
  await s.save();
  await app.sql(`insert into participation (project_id, organisation_id, role, created_at, updated_at, version) values (?, ?, 'PARTNER', now(), now(), 1)`, [draft.id, partner.id]);
  Object.assign(keys, { programme: programme.id, other: other.id, owner: owner.id, partner: partner.id, draft: draft.id, open: open.id });
  Object.assign(ids, { draft: idOf(draft), owner: idOf(owner), partner: idOf(partner), programme: idOf(programme), visible: idOf(visible) });
  partnerOfOwner = await app.signIn({ name: 'Oona Omistaja', memberOf: [owner.id] });
  memberOfOwner = partnerOfOwner;
  otherCoordinator = await app.signIn({ name: 'Kalle Muukoordinaattori', coordinatorOf: [other.id] });
  draftCoordinator = await app.signIn({ name: 'Kaisa Koordinaattori', coordinatorOf: [programme.id] });
});
afterAll(() => app.close());

async function asServingRole<T>(fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: app.servingUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function refusal(client: Client, sql: string, params: unknown[] = []): Promise<string> {
  await client.query('savepoint probe');
  try {
    const result = await client.query(sql, params);
    await client.query('release savepoint probe');
    return `allowed (${result.rowCount} rows)`;
  } catch (error) {
    await client.query('rollback to savepoint probe');
    return (error as Error).message;
  }
}

describe('the role that serves requests', () => {
  it('is no superuser, owns nothing, cannot bypass row-level security', async () => {
    const [role] = await asServingRole((client) =>
      client.query<{ super: boolean; bypass: boolean; owns: number }>(
        `select rolsuper as super, rolbypassrls as bypass,
                (select count(*)::int from pg_class c where c.relowner = r.oid) as owns
         from pg_roles r where rolname = current_user`,
      ).then((result) => result.rows),
    );
    expect(role).toEqual({ super: false, bypass: false, owns: 0 });
  });

  it('cannot switch off the audit trail or rewrite it', async () => {
    await asServingRole(async (client) => {
      await client.query('begin');
      expect(await refusal(client, 'alter table audit_event disable trigger audit_event_no_update_delete')).toMatch(/must be owner/);
      expect(await refusal(client, 'alter table project disable row level security')).toMatch(/must be owner/);
      expect(await refusal(client, `update audit_event set operation = 'x'`)).toMatch(/permission denied/);
      expect(await refusal(client, 'delete from audit_event')).toMatch(/permission denied/);
      expect(await refusal(client, 'truncate audit_event')).toMatch(/permission denied/);
      expect(await refusal(client, `insert into postal_area (postal_code) values ('99999')`)).toMatch(/permission denied/);
      await client.query('rollback');
    });
  });

  it('sees what an anonymous reader sees when no viewer is set, and a member its own draft', async () => {
    const counts = (client: Client) =>
      client
        .query<{ projects: number; lines: number; participations: number }>(
          `select (select count(*)::int from project) as projects, (select count(*)::int from funding_line) as lines,
                  (select count(*)::int from participation) as participations`,
        )
        .then((result) => result.rows[0]);
    await asServingRole(async (client) => {
      expect(await counts(client)).toEqual({ projects: 1, lines: 1, participations: 1 });
      await client.query('begin');
      await client.query(`select set_config('silta.organisations', $1, true)`, [`{${keys.owner}}`]);
      expect(await counts(client)).toEqual({ projects: 2, lines: 2, participations: 3 });
      await client.query('commit');
      // Transaction-local: the next transaction on the same connection is anonymous again.
      expect(await counts(client)).toEqual({ projects: 1, lines: 1, participations: 1 });
    });
    const [owner] = await app.sql<{ count: string }>('select count(*) from project');
    expect(Number(owner.count)).toBe(2);
  });

  it('writes nothing outside a mutation’s write window, even for rows it may see', async () => {
    await asServingRole(async (client) => {
      await client.query('begin');
      await client.query(`select set_config('silta.organisations', $1, true)`, [`{${keys.owner}}`]);
      expect(await refusal(client, `update project set title = 'x' where id = $1`, [keys.draft])).toMatch(/row-level security/);
      expect(await refusal(client, 'delete from funding_line')).toBe('allowed (0 rows)');
      expect(await refusal(client, `insert into participation (project_id, organisation_id, role, created_at, updated_at, version) values ($1, $2, 'PARTNER', now(), now(), 1)`, [keys.open, keys.owner])).toMatch(/row-level security/);
      await client.query('rollback');
    });
  });
});

describe('roads that used to forget the rule', () => {
  const ORGANISATIONS = `query($project: ID, $programme: ID, $order: OrganisationOrderField!) {
    byProject: organisations(filter: { project: $project }) { totalCount nodes { name } }
    byProgramme: organisations(filter: { programme: $programme }) { totalCount nodes { name } }
    byScheme: organisations(filter: { scheme: KAKE }) { totalCount nodes { name } }
    byRole: organisations(filter: { programme: $programme, role: PARTNER }) { totalCount nodes { name } }
    ordered: organisations(orderBy: { field: $order, direction: DESC }, first: 50) { edges { cursor node { name } } }
  }`;

  it('organisations by project, programme, scheme, role and granted amount show nothing of a hidden draft', async () => {
    const variables = { project: ids.draft, programme: ids.programme, order: 'GRANTED_AMOUNT' };
    for (const token of [undefined, otherCoordinator]) {
      const data = dataOf(await app.gql(ORGANISATIONS, variables, { token }));
      // Organisations are public; their part in a hidden draft is not.
      const filtered = JSON.stringify([data.byProject, data.byProgramme, data.byScheme, data.byRole]);
      expect(filtered).not.toContain('Salainen kumppani');
      expect(filtered).not.toContain('Luonnosyhdistys');
      expect(data.byProject.totalCount).toBe(0);
      expect(data.byProgramme.nodes.map((node: { name: string }) => node.name)).toEqual(['Avoin yhdistys ry']);
      // The hidden 900 000 € do not order the list: the lead of the open project comes first.
      expect(data.ordered.edges[0].node.name).toBe('Avoin yhdistys ry');
      const cursors = data.ordered.edges.map((edge: { cursor: string }) => Buffer.from(edge.cursor, 'base64url').toString('utf8'));
      expect(cursors.join(' ')).not.toContain('900000');
    }
    const owner = dataOf(await app.gql(ORGANISATIONS, variables, { token: partnerOfOwner }));
    expect(owner.byProject.totalCount).toBe(2);
  });
});

describe('the audit trail follows the records it describes', () => {
  const LOG = `{ auditLog(first: 50) { nodes { entityType entity changes } } }`;

  beforeAll(async () => {
    const update = `mutation($input: UpdateProjectInput!) { updateProject(input: $input) { userErrors { code } } }`;
    const response = await app.gql(update, { input: { id: ids.draft, summary: 'Luonnoksen salainen tiivistelmä', internalNotes: 'Koordinaattorin muistiinpano' } }, { token: draftCoordinator });
    expect(dataOf(response).updateProject.userErrors).toEqual([]);
    const org = `mutation($input: UpdateOrganisationInput!) { updateOrganisation(input: $input) { userErrors { code } } }`;
    const notes = await app.gql(org, { input: { id: ids.owner, internalNotes: 'Vain koordinaattoreille', description: 'Julkinen kuvaus' } }, { token: draftCoordinator });
    expect(dataOf(notes).updateOrganisation.userErrors).toEqual([]);
  });

  it('shows a coordinator of another programme no event of a hidden draft', async () => {
    const log = JSON.stringify(dataOf(await app.gql(LOG, {}, { token: otherCoordinator })).auditLog);
    expect(log).not.toContain('salainen tiivistelmä');
    expect(log).not.toContain(ids.draft);
    const own = JSON.stringify(dataOf(await app.gql(LOG, {}, { token: draftCoordinator })).auditLog);
    expect(own).toContain('Luonnoksen salainen tiivistelmä');
  });

  it('leaves internal notes out of the history an organisation’s own members read', async () => {
    const HISTORY = `query($id: ID!) { node(id: $id) { ... on Organisation { history { nodes { changes } } } } }`;
    const member = JSON.stringify(dataOf(await app.gql(HISTORY, { id: ids.owner }, { token: memberOfOwner })).node.history);
    expect(member).toContain('Julkinen kuvaus');
    expect(member).not.toContain('Vain koordinaattoreille');
    const coordinator = JSON.stringify(dataOf(await app.gql(HISTORY, { id: ids.owner }, { token: draftCoordinator })).node.history);
    expect(coordinator).toContain('Vain koordinaattoreille');
  });
});
