import { toGlobalId } from '../../src/shared/relay/global-id';
import { dataOf, startTestApp, type TestApp } from '../support/test-app';

/**
 * Relay object identification: every Node type, found through its normal road, comes back the same
 * from `node(id:)` and `nodes(ids:)`; a viewer who cannot reach it through the roads gets null.
 */
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp('demo');
});
afterAll(() => app.close());

const FIELDS: Record<string, string> = {
  Organisation: 'name',
  Programme: 'code',
  Project: 'code',
  Participation: 'role',
  FundingLine: 'source',
  Theme: 'code',
  TargetGroup: 'code',
  Municipality: 'code nameFi',
  PostalArea: 'postalCode',
  ContactPerson: 'name title email phone',
  ExternalId: 'system value',
  ProgrammeArea: 'areaType',
  ProgrammeCeiling: 'annualAmount sources',
  ProgrammeDecision: 'body date',
  ProgrammeFunder: 'source',
  ProgrammeObjective: 'priorityAxis specificObjective',
  AuditEvent: 'operation entity entityType',
  Account: 'name kind',
  ApiToken: 'name prefix',
};

/** The same selection for a type, as a fragment usable on `node`. */
function fragment(type: string): string {
  return `... on ${type} { __typename id ${FIELDS[type]} }`;
}

type Found = { __typename: string; id: string } & Record<string, unknown>;

/** One object of every Node type, as the roads give it to `token`. */
async function fromRoads(token: string): Promise<Found[]> {
  const data = dataOf(
    await app.gql(
      `{
        organisations(first: 30) { nodes { ${fragment('Organisation')} contactPeople { ${fragment('ContactPerson')} } externalIds { ${fragment('ExternalId')} } } }
        programmes(first: 5) { nodes {
          ${fragment('Programme')}
          territory(first: 1) { nodes { ${fragment('ProgrammeArea')} } }
          ceilings { ${fragment('ProgrammeCeiling')} }
          decisions { ${fragment('ProgrammeDecision')} }
          funders { ${fragment('ProgrammeFunder')} }
          objectives { ${fragment('ProgrammeObjective')} }
        } }
        projects(first: 5) { nodes { ${fragment('Project')} participations(first: 1) { nodes { ${fragment('Participation')} } } fundingLines(first: 1) { nodes { ${fragment('FundingLine')} } } } }
        themes { ${fragment('Theme')} }
        targetGroups { ${fragment('TargetGroup')} }
        municipalities(first: 1) { nodes { ${fragment('Municipality')} } }
        postalAreas(first: 1) { nodes { ${fragment('PostalArea')} } }
        auditLog(first: 1) { nodes { ${fragment('AuditEvent')} } }
        viewer { account { ${fragment('Account')} } apiTokens { ${fragment('ApiToken')} } }
      }`,
      {},
      { token },
    ),
  );
  const found = new Map<string, Found>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (!value || typeof value !== 'object') return;
    const record = value as Record<string, unknown>;
    if (typeof record.__typename === 'string' && typeof record.id === 'string' && !found.has(record.__typename)) {
      // The object's own fields only: nested objects are found separately.
      const own = Object.fromEntries(Object.entries(record).filter(([, item]) => item === null || typeof item !== 'object' || Array.isArray(item) && item.every((x) => typeof x !== 'object')));
      found.set(record.__typename, own as Found);
    }
    Object.values(record).forEach(visit);
  };
  visit(data);
  return [...found.values()];
}

describe('node(id:) and nodes(ids:)', () => {
  it('give back exactly what the roads give, for every Node type, in one statement per type', async () => {
    // An analyst who is also a member and a coordinator reaches every type, contact details included.
    const [organisation] = await app.sql<{ id: number }>('select id from organisation order by id limit 1');
    const [programme] = await app.sql<{ id: number }>('select id from programme order by id limit 1');
    const token = await app.signIn({ analyst: true, memberOf: [organisation.id], coordinatorOf: [programme.id] });
    // An audit event to find.
    const admin = await app.signIn({ admin: true });
    await app.gql(`mutation($input: UpdateOrganisationInput!) { updateOrganisation(input: $input) { userErrors { code } } }`, {
      input: { id: toGlobalId('Organisation', organisation.id), description: 'Node-testi' },
    }, { token: admin });

    const found = await fromRoads(token);
    expect(found.map((item) => item.__typename).sort()).toEqual(Object.keys(FIELDS).sort());
    expect(found.find((item) => item.__typename === 'ContactPerson')?.email).toEqual(expect.any(String));

    for (const item of found) {
      const response = await app.gql(`query($id: ID!) { node(id: $id) { ${fragment(item.__typename)} } }`, { id: item.id }, { token });
      expect({ type: item.__typename, node: dataOf(response).node }).toEqual({ type: item.__typename, node: item });
    }

    const ids = found.map((item) => item.id);
    const query = `query($ids: [ID!]!) { nodes(ids: $ids) { ${Object.keys(FIELDS).map(fragment).join(' ')} } }`;
    let nodes: Found[] = [];
    const statements = await app.countStatements(async () => {
      nodes = dataOf(await app.gql(query, { ids }, { token })).nodes;
    });
    expect(nodes).toEqual(found);
    // One statement per type at most (plus authentication), not one per ID.
    expect(statements).toBeLessThanOrEqual(Object.keys(FIELDS).length + 4);
    // Many IDs of one type cost what one costs: one `where id in (…)` per type.
    const lists = dataOf(await app.gql('{ organisations(first: 30) { nodes { contactPeople { id } externalIds { id } } } }', {}, { token }))
      .organisations.nodes as { contactPeople: { id: string }[]; externalIds: { id: string }[] }[];
    const people = lists.flatMap((o) => o.contactPeople.map((item) => item.id));
    const registers = lists.flatMap((o) => o.externalIds.map((item) => item.id));
    expect(people.length).toBeGreaterThan(10);
    expect(registers.length).toBeGreaterThan(2);
    const one = await app.countStatements(async () => void dataOf(await app.gql(query, { ids: [people[0], registers[0]] }, { token })));
    const all = await app.countStatements(async () => void dataOf(await app.gql(query, { ids: [...people, ...registers] }, { token })));
    expect(all).toBe(one);
  });

  it('give null to a viewer who cannot reach the object through the roads', async () => {
    const [organisation] = await app.sql<{ id: number }>('select id from organisation order by id limit 1');
    const [other] = await app.sql<{ id: number }>('select id from organisation order by id desc limit 1');
    const owner = await app.signIn({ name: 'Omistaja', memberOf: [organisation.id] });
    const outsider = await app.signIn({ name: 'Ulkopuolinen', memberOf: [other.id] });
    const admin = await app.signIn({ admin: true });
    await app.gql(`mutation($input: UpdateOrganisationInput!) { updateOrganisation(input: $input) { userErrors { code } } }`, {
      input: { id: toGlobalId('Organisation', organisation.id), description: 'Toinen node-testi' },
    }, { token: admin });

    const mine = dataOf(await app.gql(`query($id: ID!) {
      viewer { account { id } apiTokens { id } }
      node(id: $id) { ... on Organisation { history(first: 1) { nodes { id } } contactPeople { id } } }
    }`, { id: toGlobalId('Organisation', organisation.id) }, { token: owner }));
    const accountId: string = mine.viewer.account.id;
    const tokenId: string = mine.viewer.apiTokens[0].id;
    const eventId: string = mine.node.history.nodes[0].id;
    const contactId: string = mine.node.contactPeople[0].id;
    const [projectEvent] = await app.sql<{ id: string }>(
      `insert into audit_event (operation, entity_type, entity_id, action, changes) values ('updateProject', 'Project', '1', 'UPDATE', '{}') returning id`,
    );
    const projectEventId = toGlobalId('AuditEvent', projectEvent.id);

    const ask = async (token: string | undefined) =>
      dataOf(
        await app.gql(
          `query($ids: [ID!]!) { nodes(ids: $ids) { id } contact: node(id: "${contactId}") { ... on ContactPerson { name email phone } } }`,
          { ids: [accountId, tokenId, eventId, projectEventId] },
          { token },
        ),
      );

    // The owner: own account, own token, own organisation's change; not a project's change.
    expect((await ask(owner)).nodes).toEqual([{ id: accountId }, { id: tokenId }, { id: eventId }, null]);
    // Someone else: nothing of the owner's, nor the other organisation's change.
    expect((await ask(outsider)).nodes).toEqual([null, null, null, null]);
    // Anonymous: nothing, and contact people without e-mail and phone (as through `organisations`).
    const anonymous = await ask(undefined);
    expect(anonymous.nodes).toEqual([null, null, null, null]);
    expect(anonymous.contact).toEqual({ name: expect.any(String), email: null, phone: null });
    // An analyst reads every change, and no one's account or token.
    expect((await ask(await app.signIn({ analyst: true }))).nodes).toEqual([null, null, { id: eventId }, { id: projectEventId }]);
  });

  it('refuses IDs of types that are not Nodes and malformed keys', async () => {
    for (const id of [toGlobalId('Membership', 1), toGlobalId('AuditEvent', 'x'), toGlobalId('Municipality', 12), 'not-an-id']) {
      const response = await app.gql(`query($id: ID!) { node(id: $id) { id } }`, { id });
      expect(response.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    }
  });
});
