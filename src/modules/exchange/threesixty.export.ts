import type { EntityManager } from '@mikro-orm/postgresql';
import { FundingSource } from '../funding/funding.enums';
import { cents } from './loo.rules';
import type { ExportOptions, ExportSink, SkippedProject } from './loo.export';
import { programmeFunders, publicProjectPages, type PublicOrganisation, type PublicProject } from './public-projects';

/**
 * The 360Giving Data Standard (https://standard.threesixtygiving.org, schema 1.4): every awarded
 * funding line of a public project from a grant source (EU funds, state, municipality) is one grant. Grant IDs are `360G-silta-<project code>-<line id>`,
 * stable for as long as the line exists. Organisations are identified by org-id.guide's FI-PRO scheme
 * (the Finnish Patent and Registration Office's Y-tunnus) where they have a Y-tunnus, else by an ID
 * under Silta's own prefix (`360G-silta-org-<id>`), as 360Giving allows for organisations without one.
 */
export const GRANT_PREFIX = '360G-silta';
/** 360Giving's regrantType codelist: a grant to one grantmaker for onward grants to end recipients. */
export const COMMON_REGRANT = 'FRG010';

/** Sources that are grants from a funder; own money (PRIVATE) and volunteer work (IN_KIND) are not. */
export const GRANT_SOURCES: readonly FundingSource[] = [FundingSource.ESR, FundingSource.EAFRD, FundingSource.STATE, FundingSource.MUNICIPAL];

export interface ThreeSixtyReport {
  format: '360giving';
  grants: number;
  /** Grant-source funding lines with nothing granted yet: not grants, so not exported (no error). */
  notAwarded: number;
  skipped: SkippedProject[];
}

interface Organization {
  id: string;
  name: string;
}

export function organisationId(organisation: PublicOrganisation): string {
  return organisation.businessId ? `FI-PRO-${organisation.businessId}` : `${GRANT_PREFIX}-org-${organisation.id}`;
}

export function grantId(project: PublicProject, lineId: number): string {
  return `${GRANT_PREFIX}-${project.code}-${lineId}`;
}

/** A number for amountAwarded: the schema wants a JSON number; two decimals are exact enough to print. */
function amount(value: string): number {
  return Number(cents(value)) / 100;
}

/** The grants of one project, or the problems that keep its awarded lines from being grants. */
export function projectGrants(
  project: PublicProject,
  funders: Map<string, PublicOrganisation>,
): { grants: object[]; notAwarded: number; problems: SkippedProject['problems'] } {
  const grantLines = project.fundingLines.filter((line) => GRANT_SOURCES.includes(line.source));
  const awarded = grantLines.filter((line) => cents(line.granted) > 0n);
  const notAwarded = grantLines.length - awarded.length;
  const problems: SkippedProject['problems'] = [];
  if (awarded.length === 0) return { grants: [], notAwarded, problems };
  if (!project.beneficiary) problems.push({ column: 'recipientOrganization', message: 'no lead or partner organisation to name as the recipient' });
  for (const line of awarded) {
    if (!line.decisionDate) problems.push({ column: 'awardDate', message: `the ${line.source} funding line (${line.id}) has a granted amount but no decision date` });
  }
  if (problems.length > 0) return { grants: [], notAwarded, problems };

  const recipient: Organization = { id: organisationId(project.beneficiary!), name: project.beneficiary!.name };
  const ids = awarded.map((line) => grantId(project, line.id));
  const grants = awarded.map((line, index) => {
    const funder = funders.get(`${project.programme.id}:${line.source}`);
    const fundingOrganization: Organization = funder
      ? { id: organisationId(funder), name: funder.name }
      : { id: `${GRANT_PREFIX}-programme-${project.programme.code}`, name: project.programme.name };
    const start = project.plannedStart ?? project.actualStart;
    const end = project.plannedEnd ?? project.actualEnd;
    const related = ids.filter((_id, other) => other !== index);
    return {
      id: ids[index],
      title: project.title,
      description: project.summary ?? project.purpose ?? project.title,
      currency: 'EUR',
      amountAwarded: amount(line.granted),
      awardDate: line.decisionDate!,
      recipientOrganization: [recipient],
      fundingOrganization: [fundingOrganization],
      grantProgramme: [{ code: project.programme.code, title: project.programme.name }],
      ...(start ? { plannedDates: [{ startDate: start, ...(end ? { endDate: end } : {}) }] } : {}),
      ...(project.locations.length > 0
        ? { beneficiaryLocation: project.locations.map((location) => ({ name: `${location.postalCode} ${location.name}`, countryCode: 'FI', geoCode: location.postalCode })) }
        : {}),
      ...(related.length > 0 ? { relatedActivity: related } : {}),
      ...(project.umbrella ? { regrantType: COMMON_REGRANT } : {}),
    };
  });
  return { grants, notAwarded, problems };
}

/**
 * Writes a 360Giving JSON package, `{ "version": "1.4", "grants": [...] }`, a page of projects at a time.
 * A project whose awarded lines cannot be valid grants (no recipient, no award date) is left out and
 * reported.
 */
export async function exportThreeSixtyGiving(em: EntityManager, write: ExportSink, options: ExportOptions = {}): Promise<ThreeSixtyReport> {
  const report: ThreeSixtyReport = { format: '360giving', grants: 0, notAwarded: 0, skipped: [] };
  const funders = await programmeFunders(em);
  let read = 0;
  await write('{"version":"1.4","grants":[');
  for await (const page of publicProjectPages(em, { programmeId: options.programmeId })) {
    let chunk = '';
    for (const project of page) {
      const { grants, notAwarded, problems } = projectGrants(project, funders);
      report.notAwarded += notAwarded;
      if (problems.length > 0) {
        report.skipped.push({ code: project.code, problems });
        continue;
      }
      for (const grant of grants) {
        chunk += `${report.grants === 0 ? '\n' : ',\n'}${JSON.stringify(grant)}`;
        report.grants += 1;
      }
    }
    if (chunk) await write(chunk);
    read += page.length;
    options.onProgress?.(read);
  }
  await write('\n]}\n');
  return report;
}
