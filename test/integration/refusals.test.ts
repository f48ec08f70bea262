import { toGlobalId } from '../../src/shared/relay/global-id';
import { dataOf, startTestApp, type TestApp } from '../support/test-app';

/**
 * A field the caller may not read must not take its neighbours down: reads come back null or empty
 * (no error), and a refused mutation leaves the results of the others in the same document.
 */
let app: TestApp;
const ids: Record<string, string> = {};
beforeAll(async () => {
  app = await startTestApp('demo');
  const [organisation] = await app.sql<{ id: number }>('select id from organisation order by id limit 1');
  const [project] = await app.sql<{ id: number }>(`select id from project where status = 'ONGOING' order by id limit 1`);
  const [programme] = await app.sql<{ id: number }>('select id from programme order by id limit 1');
  const [line] = await app.sql<{ id: number }>('select id from funding_line where project_id = ? order by id limit 1', [project.id]);
  Object.assign(ids, {
    organisation: toGlobalId('Organisation', organisation.id),
    project: toGlobalId('Project', project.id),
    programme: toGlobalId('Programme', programme.id),
    line: toGlobalId('FundingLine', line.id),
    organisationKey: String(organisation.id),
  });
});
afterAll(() => app.close());

/** Every read that depends on who asks, each beside the harmless `programmes { totalCount }`. */
const GATED_READS: Record<string, string> = {
  auditLog: '{ auditLog(first: 5) { totalCount edges { node { id } } } }',
  'viewer.account and apiTokens': '{ viewer { account { id } apiTokens { id } viewerCanReadAuditLog } }',
  'Organisation.history and internalNotes': `{ node(id: "$organisation") { ... on Organisation { internalNotes history { totalCount } contactPeople { email phone } } } }`,
  'Project.history and internalNotes': `{ node(id: "$project") { ... on Project { internalNotes history { totalCount } } } }`,
  'Programme.history': `{ node(id: "$programme") { ... on Programme { history { totalCount } } } }`,
  'FundingLine.history': `{ node(id: "$line") { ... on FundingLine { history { totalCount } } } }`,
  'node of an Account, an ApiToken and an AuditEvent': `{ nodes(ids: ["${toGlobalId('Account', 1)}", "${toGlobalId('ApiToken', 1)}", "${toGlobalId('AuditEvent', 1)}"]) { id } }`,
};

function withNeighbour(read: string): string {
  const body = read.trim().slice(1, -1).replace(/\$(\w+)/g, (_, name: string) => ids[name]);
  return `{ neighbour: programmes { totalCount } ${body} }`;
}

describe('fields the caller may not read', () => {
  it.each(Object.keys(GATED_READS))('%s: anonymous gets null or empty, no error, and the neighbour', async (name) => {
    const response = await app.gql(withNeighbour(GATED_READS[name]));
    expect(response.errors).toBeUndefined();
    expect(response.data).not.toBeNull();
    expect((response.data as { neighbour: { totalCount: number } }).neighbour.totalCount).toBeGreaterThan(0);
  });

  it('auditLog is empty for a partner and full for an analyst, in the same shape', async () => {
    const admin = await app.signIn({ admin: true });
    await app.gql(`mutation($input: UpdateOrganisationInput!) { updateOrganisation(input: $input) { userErrors { code } } }`, {
      input: { id: ids.organisation, description: 'Kieltotesti' },
    }, { token: admin });
    const query = withNeighbour(GATED_READS.auditLog);
    const partner = dataOf(await app.gql(query, {}, { token: await app.signIn({ memberOf: [Number(ids.organisationKey)] }) }));
    expect(partner.auditLog).toEqual({ totalCount: 0, edges: [] });
    const analyst = dataOf(await app.gql(query, {}, { token: await app.signIn({ analyst: true }) }));
    expect(analyst.auditLog.totalCount).toBeGreaterThan(0);
  });

  it('a refused mutation leaves the results of the others in the same document', async () => {
    const partner = await app.signIn({ memberOf: [Number(ids.organisationKey)] });
    const response = await app.gql(
      `mutation($mine: UpdateOrganisationInput!, $programme: CreateProgrammeInput!) {
        allowed: updateOrganisation(input: $mine) { organisation { description } userErrors { code } }
        refused: createProgramme(input: $programme) { programme { id } userErrors { code } }
      }`,
      {
        mine: { id: ids.organisation, description: 'Sallittu muutos' },
        programme: { code: 'REFUSED-1', name: 'Ei sallittu', scheme: 'KAKE', periodStart: '2024-01-01', periodEnd: '2027-12-31' },
      },
      { token: partner },
    );
    expect(response.errors?.map((error) => [error.path, error.extensions?.code])).toEqual([[['refused'], 'FORBIDDEN']]);
    expect(response.data).toEqual({ allowed: { organisation: { description: 'Sallittu muutos' }, userErrors: [] }, refused: null });
  });

  it('anonymous mutations are each refused, and the response keeps its data object', async () => {
    const response = await app.gql(
      `mutation { a: revokeApiToken(input: { id: "${toGlobalId('ApiToken', 1)}" }) { userErrors { code } } b: archiveOrganisation(input: { id: "${ids.organisation}" }) { userErrors { code } } }`,
    );
    expect(response.data).toEqual({ a: null, b: null });
    expect(response.errors?.map((error) => error.extensions?.code)).toEqual(['UNAUTHENTICATED', 'UNAUTHENTICATED']);
  });
});
