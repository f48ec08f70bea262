import { ref } from '@mikro-orm/core';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { FundingLine } from '../../src/modules/funding/funding-line.entity';
import type { FundingSource } from '../../src/modules/funding/funding.enums';
import { type AreaType } from '../../src/modules/geography/geography.enums';
import { Municipality } from '../../src/modules/geography/municipality.entity';
import { PostalArea } from '../../src/modules/geography/postal-area.entity';
import { Organisation } from '../../src/modules/organisation/organisation.entity';
import { OrganisationType } from '../../src/modules/organisation/organisation.enums';
import { ProgrammeArea } from '../../src/modules/programme/programme-parts.entity';
import { Programme } from '../../src/modules/programme/programme.entity';
import { Scheme } from '../../src/modules/programme/programme.enums';
import { Participation } from '../../src/modules/project/participation.entity';
import { ParticipationRole, ProjectStatus } from '../../src/modules/project/project.enums';
import { Project, ProjectLocation, ProjectTargetGroup, ProjectTheme } from '../../src/modules/project/project.entity';
import { TargetGroup, Theme } from '../../src/modules/project/vocabulary.entity';
import { toGlobalId } from '../../src/shared/relay/global-id';

let counter = 0;
const unique = (prefix: string): string => `${prefix}-${process.pid}-${++counter}`;

export interface ProgrammeSpec {
  code?: string;
  name?: string;
  scheme?: Scheme;
  periodStart?: string;
  periodEnd?: string;
  territory?: [postalCode: string, areaType: AreaType][];
}

export interface OrganisationSpec {
  name?: string;
  type?: OrganisationType;
  businessId?: string;
  municipalityCode?: string;
  postalCode?: string;
}

export interface ProjectSpec {
  programme: Programme;
  code?: string;
  title?: string;
  summary?: string;
  status?: ProjectStatus;
  plannedStart?: string;
  plannedEnd?: string;
  actualStart?: string;
  actualEnd?: string;
  lead?: Organisation;
  partners?: Organisation[];
  themes?: string[];
  targetGroups?: string[];
  locations?: string[];
  funding?: { source: FundingSource; planned?: string; granted?: string; paid?: string; decisionDate?: string }[];
  parent?: Project;
}

/**
 * Fluent builder for a test's own data (house style: tests do not lean on each other's rows).
 * Everything is persisted by `save()` in one flush.
 */
export class Scenario {
  private readonly em: EntityManager;

  constructor(orm: MikroORM) {
    this.em = orm.em.fork();
  }

  programme(spec: ProgrammeSpec = {}): Programme {
    const programme = this.em.create(Programme, {
      code: spec.code ?? unique('PRG'),
      name: spec.name ?? unique('Ohjelma'),
      scheme: spec.scheme ?? Scheme.KAKE,
      periodStart: spec.periodStart ?? '2018-01-01',
      periodEnd: spec.periodEnd ?? '2020-12-31',
    });
    for (const [postalCode, areaType] of spec.territory ?? []) {
      this.em.create(ProgrammeArea, { programme, postalArea: this.em.getReference(PostalArea, postalCode), areaType });
    }
    return programme;
  }

  organisation(spec: OrganisationSpec = {}): Organisation {
    return this.em.create(Organisation, {
      name: spec.name ?? unique('Yhdistys ry'),
      type: spec.type ?? OrganisationType.ASSOCIATION,
      businessId: spec.businessId,
      homeMunicipality: spec.municipalityCode ? ref(this.em.getReference(Municipality, spec.municipalityCode)) : undefined,
      postalArea: spec.postalCode ? ref(this.em.getReference(PostalArea, spec.postalCode)) : undefined,
    });
  }

  project(spec: ProjectSpec): Project {
    const project = this.em.create(Project, {
      programme: spec.programme,
      code: spec.code ?? unique('PRJ'),
      title: spec.title ?? unique('Hanke'),
      summary: spec.summary,
      status: spec.status ?? ProjectStatus.ONGOING,
      plannedStart: spec.plannedStart,
      plannedEnd: spec.plannedEnd,
      actualStart: spec.actualStart,
      actualEnd: spec.actualEnd,
      parent: spec.parent,
    });
    if (spec.lead) this.em.create(Participation, { project, organisation: spec.lead, role: ParticipationRole.LEAD });
    for (const partner of spec.partners ?? []) {
      this.em.create(Participation, { project, organisation: partner, role: ParticipationRole.PARTNER });
    }
    this.pending.push(async () => {
      for (const code of spec.themes ?? []) {
        const theme = await this.em.findOneOrFail(Theme, { code });
        this.em.create(ProjectTheme, { project, theme });
      }
      for (const code of spec.targetGroups ?? []) {
        const group = await this.em.findOneOrFail(TargetGroup, { code });
        this.em.create(ProjectTargetGroup, { project, targetGroup: group });
      }
    });
    for (const postalCode of spec.locations ?? []) {
      this.em.create(ProjectLocation, { project, postalArea: this.em.getReference(PostalArea, postalCode) });
    }
    for (const line of spec.funding ?? []) {
      this.em.create(FundingLine, {
        project,
        source: line.source,
        planned: line.planned ?? line.granted ?? '0.00',
        granted: line.granted ?? '0.00',
        paid: line.paid ?? '0.00',
        decisionDate: line.decisionDate,
      });
    }
    return project;
  }

  private readonly pending: (() => Promise<void>)[] = [];

  async save(): Promise<void> {
    for (const step of this.pending.splice(0)) await step();
    await this.em.flush();
  }
}

/** Global ID of a saved entity, as the API shows it. */
export function idOf(entity: { id: number; constructor: { name: string } }): string {
  return toGlobalId(entity.constructor.name, entity.id);
}
