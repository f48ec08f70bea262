import { ref } from '@mikro-orm/core';
import { FundingSource } from '../../src/modules/funding/funding.enums';
import { ContactPerson } from '../../src/modules/organisation/contact-person.entity';
import { Organisation } from '../../src/modules/organisation/organisation.entity';
import { ProjectStatus } from '../../src/modules/project/project.enums';
import { Project } from '../../src/modules/project/project.entity';
import { idOf, Scenario } from '../support/scenario';
import { dataOf, startTestApp, type TestApp } from '../support/test-app';

/** Authorisation in the data path: a hidden record must not show through any road (no IDOR). */
let app: TestApp;
const ids: Record<string, string> = {};
const keys: Record<string, number> = {};

beforeAll(async () => {
  app = await startTestApp('empty');
  const s = new Scenario(app.orm);
  const programme = s.programme({ code: 'VIS-KAKE' });
  const other = s.programme({ code: 'VIS-OTHER' });
  const owner = s.organisation({ name: 'Luonnostelijat ry' });
  const outsider = s.organisation({ name: 'Ulkopuoliset ry' });
  const draft = s.project({
    programme,
    code: 'VIS-DRAFT',
    title: 'Salainen luonnoshanke nuorille',
    status: ProjectStatus.DRAFT,
    lead: owner,
    funding: [{ source: FundingSource.ESR, planned: '5000.00' }],
  });
  const rejected = s.project({ programme, code: 'VIS-REJECTED', title: 'Hylätty hanke', status: ProjectStatus.REJECTED, lead: owner });
  const open = s.project({ programme, code: 'VIS-OPEN', title: 'Julkinen hanke nuorille', status: ProjectStatus.ONGOING, lead: owner, funding: [{ source: FundingSource.ESR, planned: '100.00', granted: '100.00' }] });
  await s.save();
  // Notes and contact details are not part of the builder: set them directly.
  const em = app.orm.em.fork();
  (await em.findOneOrFail(Organisation, { id: owner.id })).internalNotes = 'Muistiinpano koordinaattoreille';
  (await em.findOneOrFail(Project, { id: draft.id })).internalNotes = 'Hankkeen sisäinen muistiinpano';
  em.create(ContactPerson, { organisation: ref(em.getReference(Organisation, owner.id)), name: 'Liisa Luonnos', email: 'liisa@example.fi', phone: '+358 40 000 0002' });
  await em.flush();
  Object.assign(ids, { draft: idOf(draft), rejected: idOf(rejected), open: idOf(open), owner: idOf(owner), programme: idOf(programme) });
  Object.assign(keys, { owner: owner.id, outsider: outsider.id, programme: programme.id, other: other.id });
});
afterAll(() => app.close());

const EVERY_ROAD = `query($draft: ID!, $owner: ID!, $programme: ID!) {
  projects(filter: { programme: $programme }) { totalCount nodes { code } }
  node(id: $draft) { id }
  nodes(ids: [$draft]) { id }
  project(code: "VIS-DRAFT") { id }
  search(query: "luonnoshanke nuorille") { edges { node { ... on Project { code } } } }
  owner: node(id: $owner) { ... on Organisation { participations { totalCount nodes { project { code } } } } }
  programmeNode: node(id: $programme) { ... on Programme { projects { totalCount } fundingTotals { planned } } }
  fundingLines(filter: { programme: $programme }) { totalCount }
  theme: themes { code }
}`;

async function roads(token?: string) {
  return dataOf(await app.gql(EVERY_ROAD, { draft: ids.draft, owner: ids.owner, programme: ids.programme }, { token }));
}

describe('draft and rejected projects', () => {
  it.each([
    ['anonymous', () => Promise.resolve(undefined)],
    ['a partner of another organisation', () => app.signIn({ memberOf: [keys.outsider] })],
    ['the coordinator of another programme', () => app.signIn({ coordinatorOf: [keys.other] })],
  ])('are invisible to %s on every road, totalCount included', async (_who, token) => {
    const data = await roads(await token());
    expect(data.projects).toEqual({ totalCount: 1, nodes: [{ code: 'VIS-OPEN' }] });
    expect(data.node).toBeNull();
    expect(data.nodes).toEqual([null]);
    expect(data.project).toBeNull();
    expect(data.search.edges.map((hit: { node: { code?: string } }) => hit.node.code)).not.toContain('VIS-DRAFT');
    expect(data.owner.participations).toEqual({ totalCount: 1, nodes: [{ project: { code: 'VIS-OPEN' } }] });
    expect(data.programmeNode.projects.totalCount).toBe(1);
    expect(data.programmeNode.fundingTotals.planned).toBe('100.00');
    expect(data.fundingLines.totalCount).toBe(1);
  });

  it.each([
    ['a member of the lead organisation', () => app.signIn({ memberOf: [keys.owner] })],
    ["the programme's coordinator", () => app.signIn({ coordinatorOf: [keys.programme] })],
    ['an analyst', () => app.signIn({ analyst: true })],
    ['an admin', () => app.signIn({ admin: true })],
  ])('are visible to %s', async (_who, token) => {
    const data = await roads(await token());
    expect(data.projects.totalCount).toBe(3);
    expect(data.node).toEqual({ id: ids.draft });
    expect(data.project).toEqual({ id: ids.draft });
    expect(data.search.edges.map((hit: { node: { code?: string } }) => hit.node.code)).toContain('VIS-DRAFT');
    expect(data.owner.participations.totalCount).toBe(3);
    expect(data.programmeNode.fundingTotals.planned).toBe('5100.00');
    expect(data.fundingLines.totalCount).toBe(2);
  });
});

describe('sensitive fields', () => {
  const FIELDS = `query($owner: ID!, $draft: ID!) {
    owner: node(id: $owner) { ... on Organisation { internalNotes contactPeople { name email phone } } }
    draft: node(id: $draft) { ... on Project { internalNotes } }
  }`;

  it('hides contact details from anonymous readers and notes from partners', async () => {
    const anonymous = dataOf(await app.gql(FIELDS, { owner: ids.owner, draft: ids.draft })).owner;
    expect(anonymous).toEqual({ internalNotes: null, contactPeople: [{ name: 'Liisa Luonnos', email: null, phone: null }] });

    const member = dataOf(await app.gql(FIELDS, { owner: ids.owner, draft: ids.draft }, { token: await app.signIn({ memberOf: [keys.owner] }) }));
    expect(member.owner).toEqual({ internalNotes: null, contactPeople: [{ name: 'Liisa Luonnos', email: 'liisa@example.fi', phone: '+358 40 000 0002' }] });
    expect(member.draft).toEqual({ internalNotes: null });
  });

  it('shows notes to the programme coordinator and analysts, but project notes not to other coordinators', async () => {
    const coordinator = dataOf(await app.gql(FIELDS, { owner: ids.owner, draft: ids.draft }, { token: await app.signIn({ coordinatorOf: [keys.programme] }) }));
    expect(coordinator.owner.internalNotes).toBe('Muistiinpano koordinaattoreille');
    expect(coordinator.draft.internalNotes).toBe('Hankkeen sisäinen muistiinpano');
    const analyst = dataOf(await app.gql(FIELDS, { owner: ids.owner, draft: ids.draft }, { token: await app.signIn({ analyst: true }) }));
    expect(analyst.draft.internalNotes).toBe('Hankkeen sisäinen muistiinpano');
    const otherCoordinator = dataOf(await app.gql(FIELDS, { owner: ids.owner, draft: ids.draft }, { token: await app.signIn({ coordinatorOf: [keys.other] }) }));
    expect(otherCoordinator.draft).toBeNull();
    expect(otherCoordinator.owner.internalNotes).toBe('Muistiinpano koordinaattoreille');
  });
});

describe('viewer', () => {
  it('tells a portal who it is and what it may do', async () => {
    const anonymous = dataOf(await app.gql('{ viewer { signedIn roles account { name } viewerCanWrite viewerCanSeeContactDetails } }')).viewer;
    expect(anonymous).toEqual({ signedIn: false, roles: ['PUBLIC'], account: null, viewerCanWrite: false, viewerCanSeeContactDetails: false });
    const token = await app.signIn({ name: 'Koordinaattori Kaisa', memberOf: [keys.owner], coordinatorOf: [keys.programme] });
    const viewer = dataOf(
      await app.gql('{ viewer { signedIn roles account { name kind } organisations { name } coordinatedProgrammes { code } viewerCanWrite viewerCanReadAuditLog } }', {}, { token }),
    ).viewer;
    expect(viewer).toEqual({
      signedIn: true,
      roles: ['PUBLIC', 'PARTNER', 'COORDINATOR'],
      account: { name: 'Koordinaattori Kaisa', kind: 'PERSON' },
      organisations: [{ name: 'Luonnostelijat ry' }],
      coordinatedProgrammes: [{ code: 'VIS-KAKE' }],
      viewerCanWrite: true,
      viewerCanReadAuditLog: true,
    });
  });

  it('refuses expired and revoked tokens with UNAUTHENTICATED', async () => {
    const token = await app.signIn({});
    await app.sql(`update api_token set revoked_at = now() where prefix = ?`, [token.slice(0, 12)]);
    const revoked = await app.gql('{ viewer { signedIn } }', {}, { token });
    expect(revoked.status).toBe(401);
    expect(revoked.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    const other = await app.signIn({});
    await app.sql(`update api_token set expires_at = now() - interval '1 second' where prefix = ?`, [other.slice(0, 12)]);
    expect((await app.gql('{ viewer { signedIn } }', {}, { token: other })).status).toBe(401);
    const malformed = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Basic abc' },
      body: JSON.stringify({ query: '{ viewer { signedIn } }' }),
    });
    expect(malformed.status).toBe(401);
  });
});
