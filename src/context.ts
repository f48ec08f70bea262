import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type DataLoader from 'dataloader';
import type { Logger } from 'pino';
import { fundingTotalsLoader, type FundingTotals } from './modules/funding/funding-totals';
import { FundingLine } from './modules/funding/funding-line.entity';
import { Municipality } from './modules/geography/municipality.entity';
import { PostalArea } from './modules/geography/postal-area.entity';
import { ContactPerson } from './modules/organisation/contact-person.entity';
import { ExternalId } from './modules/organisation/external-id.entity';
import { Organisation } from './modules/organisation/organisation.entity';
import { leadOrganisationLoader, projectChildLoader, visibleProjectLoader } from './modules/project/project.loaders';
import {
  ProgrammeArea,
  ProgrammeCeiling,
  ProgrammeDecision,
  ProgrammeFunder,
  ProgrammeObjective,
} from './modules/programme/programme-parts.entity';
import { Programme } from './modules/programme/programme.entity';
import { Participation } from './modules/project/participation.entity';
import { type Project, ProjectLocation, ProjectTargetGroup, ProjectTheme } from './modules/project/project.entity';
import { TargetGroup, Theme } from './modules/project/vocabulary.entity';
import type { Authenticator } from './modules/auth/authenticate';
import { isAdmin, seesAllProjects, type Viewer } from './modules/auth/viewer';
import { RequestTransaction } from './shared/db/request-transaction';
import { childrenLoader, entityLoader, NestedConnectionLoaders } from './shared/loaders';

/**
 * The per-request set of DataLoaders (`<things>By<Key>`), created lazily so that a request pays
 * only for the loaders it uses. Every relation field resolves through one of these.
 */
export class Loaders {
  private readonly cache = new Map<string, unknown>();
  readonly nested: NestedConnectionLoaders;

  constructor(
    private readonly em: EntityManager,
    private readonly viewer: Viewer,
  ) {
    this.nested = new NestedConnectionLoaders(em);
  }

  private lazy<T>(name: string, create: () => T): T {
    let loader = this.cache.get(name) as T | undefined;
    if (loader === undefined) {
      loader = create();
      this.cache.set(name, loader);
    }
    return loader;
  }

  /** A loader a module defines for itself, created once per request under `name`. */
  get<T>(name: string, create: (em: EntityManager, viewer: Viewer) => T): T {
    return this.lazy(name, () => create(this.em, this.viewer));
  }

  get organisationsById(): DataLoader<number, Organisation | null> {
    return this.lazy('organisationsById', () => entityLoader(this.em, Organisation, 'id'));
  }
  get programmesById(): DataLoader<number, Programme | null> {
    return this.lazy('programmesById', () => entityLoader(this.em, Programme, 'id'));
  }
  get projectsById(): DataLoader<number, Project | null> {
    return this.lazy('projectsById', () => visibleProjectLoader(this.em, 'id') as DataLoader<number, Project | null>);
  }
  get projectsByCode(): DataLoader<string, Project | null> {
    return this.lazy('projectsByCode', () => visibleProjectLoader(this.em, 'code') as DataLoader<string, Project | null>);
  }
  get participationsById(): DataLoader<number, Participation | null> {
    return this.lazy('participationsById', () => projectChildLoader(this.em, Participation, 'participation'));
  }
  get fundingLinesById(): DataLoader<number, FundingLine | null> {
    return this.lazy('fundingLinesById', () => projectChildLoader(this.em, FundingLine, 'funding_line'));
  }
  get themesById(): DataLoader<number, Theme | null> {
    return this.lazy('themesById', () => entityLoader(this.em, Theme, 'id'));
  }
  get targetGroupsById(): DataLoader<number, TargetGroup | null> {
    return this.lazy('targetGroupsById', () => entityLoader(this.em, TargetGroup, 'id'));
  }
  get municipalitiesByCode(): DataLoader<string, Municipality | null> {
    return this.lazy('municipalitiesByCode', () => entityLoader(this.em, Municipality, 'code'));
  }
  get postalAreasByCode(): DataLoader<string, PostalArea | null> {
    return this.lazy('postalAreasByCode', () => entityLoader(this.em, PostalArea, 'postalCode'));
  }

  get contactPeopleByOrganisationId(): DataLoader<number, ContactPerson[]> {
    return this.lazy('contactPeopleByOrganisationId', () =>
      childrenLoader(this.em, ContactPerson, 'organisation', { name: 'asc', id: 'asc' }),
    );
  }
  get externalIdsByOrganisationId(): DataLoader<number, ExternalId[]> {
    return this.lazy('externalIdsByOrganisationId', () =>
      childrenLoader(this.em, ExternalId, 'organisation', { system: 'asc', value: 'asc' }),
    );
  }
  get administeredProgrammesByOrganisationId(): DataLoader<number, Programme[]> {
    return this.lazy('administeredProgrammesByOrganisationId', () =>
      childrenLoader(this.em, Programme, 'administeringOrganisation', { periodStart: 'asc', id: 'asc' }),
    );
  }
  get fundersByProgrammeId(): DataLoader<number, ProgrammeFunder[]> {
    return this.lazy('fundersByProgrammeId', () =>
      childrenLoader(this.em, ProgrammeFunder, 'programme', { source: 'asc', id: 'asc' }),
    );
  }
  get objectivesByProgrammeId(): DataLoader<number, ProgrammeObjective[]> {
    return this.lazy('objectivesByProgrammeId', () =>
      childrenLoader(this.em, ProgrammeObjective, 'programme', { priorityAxis: 'asc', specificObjective: 'asc' }),
    );
  }
  get ceilingsByProgrammeId(): DataLoader<number, ProgrammeCeiling[]> {
    return this.lazy('ceilingsByProgrammeId', () =>
      childrenLoader(this.em, ProgrammeCeiling, 'programme', { id: 'asc' }),
    );
  }
  get decisionsByProgrammeId(): DataLoader<number, ProgrammeDecision[]> {
    return this.lazy('decisionsByProgrammeId', () =>
      childrenLoader(this.em, ProgrammeDecision, 'programme', { date: 'asc', id: 'asc' }),
    );
  }
  get coverageByPostalCode(): DataLoader<string, ProgrammeArea[]> {
    return this.lazy('coverageByPostalCode', () =>
      childrenLoader(this.em, ProgrammeArea, 'postalArea', { programme: 'asc' }),
    );
  }
  get themesByProjectId(): DataLoader<number, ProjectTheme[]> {
    return this.lazy('themesByProjectId', () =>
      childrenLoader(this.em, ProjectTheme, 'project', { theme: { code: 'asc' } } as never, ['theme']),
    );
  }
  get targetGroupsByProjectId(): DataLoader<number, ProjectTargetGroup[]> {
    return this.lazy('targetGroupsByProjectId', () =>
      childrenLoader(this.em, ProjectTargetGroup, 'project', { targetGroup: { code: 'asc' } } as never, ['targetGroup']),
    );
  }
  get locationsByProjectId(): DataLoader<number, ProjectLocation[]> {
    return this.lazy('locationsByProjectId', () =>
      childrenLoader(this.em, ProjectLocation, 'project', { postalArea: 'asc' }, ['postalArea']),
    );
  }
  get leadOrganisationsByProjectId(): DataLoader<number, Organisation | null> {
    return this.lazy('leadOrganisationsByProjectId', () => leadOrganisationLoader(this.em));
  }
  get fundingTotalsByProjectId(): DataLoader<number, FundingTotals> {
    return this.lazy('fundingTotalsByProjectId', () => fundingTotalsLoader(this.em, 'f.project_id'));
  }
  get fundingTotalsByProgrammeId(): DataLoader<number, FundingTotals> {
    return this.lazy('fundingTotalsByProgrammeId', () =>
      fundingTotalsLoader(this.em, 'p.programme_id', 'join project p on p.id = f.project_id'),
    );
  }
}

/** Everything a resolver gets: who asks, one EntityManager fork and one loader set per request. */
export interface Context {
  /** Ours (a UUID), in logs, the audit trail and the `x-request-id` response header. */
  requestId: string;
  /** The caller's own well-formed `x-request-id`, if it sent one; recorded beside ours, never instead. */
  clientRequestId: string | null;
  logger: Logger;
  viewer: Viewer;
  em: EntityManager;
  loaders: Loaders;
  /** The request's transaction, with the viewer set for row-level security; ended by the app. */
  transaction: RequestTransaction;
}

export async function createContext(
  orm: MikroORM,
  authenticator: Authenticator,
  authorization: string | undefined,
  requestId: string,
  logger: Logger,
  statementTimeoutMs = 0,
  clientRequestId: string | null = null,
  /** Read the data version in the transaction's first statement (for the response cache). */
  readDataVersion = false,
): Promise<Context> {
  const em = orm.em.fork();
  const viewer = await authenticator.authenticate(em, authorization);
  const transaction = await RequestTransaction.begin(
    em,
    { ...viewer, seesAllProjects: seesAllProjects(viewer), admin: isAdmin(viewer) },
    statementTimeoutMs,
    readDataVersion,
  );
  return {
    requestId,
    clientRequestId,
    logger: viewer.accountId ? logger.child({ accountId: viewer.accountId }) : logger,
    viewer,
    em,
    loaders: new Loaders(em, viewer),
    transaction,
  };
}
