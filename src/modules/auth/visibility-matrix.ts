import { ProjectStatus } from '../project/project.enums';

/**
 * Who sees a project (and everything of it: participations, funding lines, themes, locations, audit
 * events) in each status: the rule that row-level security enforces (policy `project_select`), as
 * data. The security documentation's table is generated from this (a unit test keeps them
 * identical) and `test/integration/visibility-matrix.test.ts` checks every cell over HTTP.
 *
 * Viewers, relative to the project:
 *  - ANONYMOUS: no Authorization header;
 *  - LEAD: a member of its lead organisation;
 *  - PARTICIPANT: a member of another organisation taking part in it;
 *  - OTHER_PARTNER: a member of an organisation that does not take part;
 *  - COORDINATOR: a coordinator of its programme;
 *  - OTHER_COORDINATOR: a coordinator of another programme;
 *  - ANALYST and ADMIN: global roles.
 */
export const VISIBILITY_VIEWERS = ['ANONYMOUS', 'LEAD', 'PARTICIPANT', 'OTHER_PARTNER', 'COORDINATOR', 'OTHER_COORDINATOR', 'ANALYST', 'ADMIN'] as const;
export type VisibilityViewer = (typeof VISIBILITY_VIEWERS)[number];

/** Statuses that only the project's own people see: work in progress, and refusals. */
export const HIDDEN_STATUSES: readonly ProjectStatus[] = [ProjectStatus.DRAFT, ProjectStatus.REJECTED];
const OWN_PEOPLE: readonly VisibilityViewer[] = ['LEAD', 'PARTICIPANT', 'COORDINATOR', 'ANALYST', 'ADMIN'];

export const VISIBILITY_MATRIX: Record<ProjectStatus, Record<VisibilityViewer, boolean>> = Object.fromEntries(
  Object.values(ProjectStatus).map((status) => [
    status,
    Object.fromEntries(VISIBILITY_VIEWERS.map((viewer) => [viewer, !HIDDEN_STATUSES.includes(status) || OWN_PEOPLE.includes(viewer)])),
  ]),
) as Record<ProjectStatus, Record<VisibilityViewer, boolean>>;

/** The Markdown table in docs/security.md. */
export function renderVisibilityMatrix(): string {
  const header = `| status | ${VISIBILITY_VIEWERS.join(' | ')} |`;
  const rule = `|---|${VISIBILITY_VIEWERS.map(() => ':-:').join('|')}|`;
  const rows = Object.values(ProjectStatus).map(
    (status) => `| ${status} | ${VISIBILITY_VIEWERS.map((viewer) => (VISIBILITY_MATRIX[status][viewer] ? 'sees' : '—')).join(' | ')} |`,
  );
  return [header, rule, ...rows].join('\n');
}
