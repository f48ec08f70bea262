import type { FundingSource } from '../funding/funding.enums';
import type { AreaType } from '../geography/geography.enums';
import type { OrganisationType } from '../organisation/organisation.enums';
import type { DecisionOutcome, Scheme } from '../programme/programme.enums';
import type { ParticipationRole, ProjectStatus } from '../project/project.enums';

/**
 * Silta's own exchange format, `silta/1`: the records every import format is mapped to before it is
 * validated and written, and what `silta export json` writes. Everything is keyed by natural keys, never
 * by database IDs, so a file can be moved between databases:
 *
 * - a programme by its `code`, a project by its `code`, a vocabulary term by its `code`;
 * - an organisation by its Y-tunnus (`businessId`), else its association register number, else an
 *   external ID (`externalIds`: system and value are unique together). An organisation with none of
 *   these is matched by `key` only within one file (never by name: near-duplicate names are reported for
 *   a person to decide), so a second import of such a file creates it again unless it carries `siltaId`.
 *
 * Dates are `YYYY-MM-DD`; money is a decimal string with a dot and at most two decimals (`"1234.50"`).
 * Optional fields left out mean "unknown / leave as it is" on update; `null` means "clear it".
 *
 * A JSON file is `{ "format": "silta/1", "programmes": [...], "organisations": [...], "projects": [...] }`
 * (any of the three lists may be missing), written with the records in that order. A CSV file in
 * Silta's format has one row per project (see `docs/import-export.md`).
 */
export const SILTA_FORMAT = 'silta/1';

/** Refers to an organisation of the file or of the database; at least one field. */
export interface OrganisationRef {
  businessId?: string;
  associationRegisterNumber?: string;
  externalId?: { system: string; value: string };
  /** The `key` of an organisation record in the same file. */
  key?: string;
}

export interface OrganisationRecord {
  /** Local to the file, for references from projects and programmes of the same file. */
  key?: string;
  /** The global ID in the Silta that exported the file; matched only if it still names this organisation. */
  siltaId?: string;
  name: string;
  type: OrganisationType;
  businessId?: string | null;
  associationRegisterNumber?: string | null;
  homeMunicipalityCode?: string | null;
  postalCode?: string | null;
  website?: string | null;
  description?: string | null;
  internalNotes?: string | null;
  archivedAt?: string | null;
  externalIds?: Array<{ system: string; value: string }>;
  contactPeople?: Array<{ name: string; title?: string | null; email?: string | null; phone?: string | null }>;
}

export interface ProgrammeRecord {
  code: string;
  name: string;
  scheme: Scheme;
  periodStart: string;
  periodEnd: string;
  parentCode?: string | null;
  administeringOrganisation?: OrganisationRef | null;
  description?: string | null;
  funders?: Array<{ organisation: OrganisationRef; source: FundingSource }>;
  objectives?: Array<{ priorityAxis: number; specificObjective: string; title: string }>;
  ceilings?: Array<{ sources: FundingSource[]; annualAmount: string; year?: number | null; approximate?: boolean }>;
  decisions?: Array<{ body: string; date: string; reference?: string | null; outcome: DecisionOutcome; summary?: string | null }>;
  /** The programme's territory: postal codes with their area type. */
  areas?: Array<{ postalCode: string; areaType: AreaType }>;
}

export interface ProjectRecord {
  code: string;
  programmeCode: string;
  title: string;
  status: ProjectStatus;
  euraCode?: string | null;
  hyrraNumber?: string | null;
  recordNumber?: string | null;
  summary?: string | null;
  purpose?: string | null;
  achievements?: string | null;
  plannedStart?: string | null;
  plannedEnd?: string | null;
  actualStart?: string | null;
  actualEnd?: string | null;
  /** The umbrella project's code, for a pilot re-granted from it. */
  parentCode?: string | null;
  internalNotes?: string | null;
  themeCodes?: string[];
  targetGroupCodes?: string[];
  postalCodes?: string[];
  /** Replaces the project's participations when given. */
  participations?: Array<{ organisation: OrganisationRef; role: ParticipationRole; budgetShare?: string | null }>;
  /** Replaces the project's funding lines when given (matched by source and decision reference). */
  fundingLines?: Array<{
    source: FundingSource;
    planned?: string;
    granted?: string;
    paid?: string;
    decisionDate?: string | null;
    decisionReference?: string | null;
    ceilingOverrideReason?: string | null;
  }>;
}

export interface SiltaDocument {
  format: typeof SILTA_FORMAT;
  programmes?: ProgrammeRecord[];
  organisations?: OrganisationRecord[];
  projects?: ProjectRecord[];
}

/** Where a record came from, for error reports: the file, its physical line (header = 1), and a column. */
export interface RecordOrigin {
  file: string;
  line: number;
  /** Where the record sits in a JSON file (`projects[3]`): the writer's problems name `projects[3].plannedEnd`. */
  path?: string;
  /** A CSV row's header for each record field it filled (`plannedStart` → `Aloituspäivä`), for the writer's problems. */
  columns?: Partial<Record<string, string>>;
}

/** A problem with one input row or record, as the import report lists it. */
export interface ImportProblem {
  file: string;
  /** The physical line in the file (the header is line 1; a JSON record's first line). */
  line: number;
  /** The column header (CSV) or the JSON path (e.g. `projects[3].plannedEnd`). */
  column: string | null;
  message: string;
}

/** What a reader yields for each row: a record, or the problems that kept it from being one. */
export type ReadItem =
  | { kind: 'organisation'; record: OrganisationRecord; origin: RecordOrigin }
  | { kind: 'programme'; record: ProgrammeRecord; origin: RecordOrigin }
  | { kind: 'project'; record: ProjectRecord; origin: RecordOrigin }
  | { kind: 'invalid'; problems: ImportProblem[]; origin: RecordOrigin };
