import { FundingSource } from '../../src/modules/funding/funding.enums';
import { VISIBILITY_MATRIX, VISIBILITY_VIEWERS, type VisibilityViewer } from '../../src/modules/auth/visibility-matrix';
import { ProjectStatus } from '../../src/modules/project/project.enums';
import { idOf, Scenario } from '../support/scenario';
import { dataOf, startTestApp, type TestApp } from '../support/test-app';

/** Every cell of the visibility matrix, through the API: a project of each status, each viewer. */
let app: TestApp;
const tokens = {} as Record<VisibilityViewer, string | undefined>;
const projects = {} as Record<ProjectStatus, { id: string; code: string }>;
let programmeId = '';

beforeAll(async () => {
  app = await startTestApp('empty');
  const s = new Scenario(app.orm);
  const programme = s.programme({ code: 'VM-PRG' });
  const other = s.programme({ code: 'VM-OTHER' });
  const lead = s.organisation({ name: 'Vetäjä ry' });
  const participant = s.organisation({ name: 'Osallinen ry' });
  const outsider = s.organisation({ name: 'Sivullinen ry' });
  const created = Object.values(ProjectStatus).map((status) => ({
    status,
    project: s.project({
      programme,
      code: `VM-${status}`,
      title: `Matriisihanke ${status.toLowerCase()}`,
      status,
      lead,
      funding: [{ source: FundingSource.ESR, planned: '1000.00', granted: '1000.00' }],
    }),
  }));
  await s.save();
  for (const { project } of created) {
    await app.sql(`insert into participation (project_id, organisation_id, role, created_at, updated_at, version) values (?, ?, 'PARTNER', now(), now(), 1)`, [project.id, participant.id]);
  }
  for (const { status, project } of created) projects[status] = { id: idOf(project), code: project.code };
  programmeId = idOf(programme);
  tokens.ANONYMOUS = undefined;
  tokens.LEAD = await app.signIn({ memberOf: [lead.id] });
  tokens.PARTICIPANT = await app.signIn({ memberOf: [participant.id] });
  tokens.OTHER_PARTNER = await app.signIn({ memberOf: [outsider.id] });
  tokens.COORDINATOR = await app.signIn({ coordinatorOf: [programme.id] });
  tokens.OTHER_COORDINATOR = await app.signIn({ coordinatorOf: [other.id] });
  tokens.ANALYST = await app.signIn({ analyst: true });
  tokens.ADMIN = await app.signIn({ admin: true });
});
afterAll(() => app.close());

const QUERY = `query($ids: [ID!]!, $programme: ID!) {
  nodes(ids: $ids) { ... on Project { code participations { nodes { id } } fundingLines { nodes { id } } } }
  projects(filter: { programme: $programme }, first: 100) { totalCount nodes { code } }
  fundingLines(filter: { programme: $programme }, first: 100) { totalCount }
}`;

describe.each(VISIBILITY_VIEWERS)('%s', (viewer) => {
  it('sees exactly the projects the matrix gives it, and their parts', async () => {
    const statuses = Object.values(ProjectStatus);
    const data = dataOf(await app.gql(QUERY, { ids: statuses.map((status) => projects[status].id), programme: programmeId }, { token: tokens[viewer] }));
    const expected = statuses.filter((status) => VISIBILITY_MATRIX[status][viewer]);
    const seen = statuses.filter((_, index) => data.nodes[index] !== null);
    expect(seen).toEqual(expected);
    for (const node of data.nodes.filter(Boolean)) {
      expect(node.participations.nodes).toHaveLength(2);
      expect(node.fundingLines.nodes).toHaveLength(1);
    }
    expect(data.projects.totalCount).toBe(expected.length);
    expect(data.projects.nodes.map((node: { code: string }) => node.code).sort()).toEqual(expected.map((status) => projects[status].code).sort());
    expect(data.fundingLines.totalCount).toBe(expected.length);
  });
});
