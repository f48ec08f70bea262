/**
 * The permission matrix: who may do what. The table in docs/security.md is generated from this (and checked
 * against it by a unit test); `test/integration/permission-matrix.test.ts` runs every cell over HTTP.
 *
 * Roles as the test plays them, relative to the records of the operation:
 *  - ANONYMOUS: no Authorization header;
 *  - READ_ONLY: a member of the organisation concerned, with a read-only token;
 *  - PARTNER: a member of the organisation concerned (the lead organisation of a project);
 *  - OTHER_PARTNER: a member of some other organisation;
 *  - COORDINATOR: a coordinator of the programme concerned;
 *  - OTHER_COORDINATOR: a coordinator of some other programme;
 *  - ANALYST and ADMIN: global roles.
 * Memberships are verified (by a coordinator, admin or operator) unless the row says "unverified":
 * there PARTNER, READ_ONLY and OTHER_PARTNER hold memberships nobody has verified yet.
 */
export const MATRIX_ROLES = ['ANONYMOUS', 'READ_ONLY', 'PARTNER', 'OTHER_PARTNER', 'COORDINATOR', 'OTHER_COORDINATOR', 'ANALYST', 'ADMIN'] as const;
export type MatrixRole = (typeof MATRIX_ROLES)[number];

/** allowed: it works; UNAUTHENTICATED/FORBIDDEN: top-level error; hidden: the value is null or left out (in a mutation: NOT_FOUND). */
export type Outcome = 'allowed' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'hidden';

export interface MatrixRow {
  operation: string;
  kind: 'mutation' | 'read';
  outcomes: Record<MatrixRole, Outcome>;
}

const A = 'allowed';
const U = 'UNAUTHENTICATED';
const F = 'FORBIDDEN';
const H = 'hidden';

/** A mutation row: anonymous → UNAUTHENTICATED, read-only token → FORBIDDEN, the rest as listed. */
function mutation(operation: string, allowed: MatrixRole[]): MatrixRow {
  const outcomes = Object.fromEntries(
    MATRIX_ROLES.map((role) => [role, role === 'ANONYMOUS' ? U : role === 'READ_ONLY' ? F : allowed.includes(role) ? A : F]),
  ) as Record<MatrixRole, Outcome>;
  return { operation, kind: 'mutation', outcomes };
}

/** A read row: the roles listed see it, the others get it hidden (or the error given). */
function read(operation: string, allowed: MatrixRole[], denied: Outcome = H): MatrixRow {
  const outcomes = Object.fromEntries(MATRIX_ROLES.map((role) => [role, allowed.includes(role) ? A : denied])) as Record<MatrixRole, Outcome>;
  return { operation, kind: 'read', outcomes };
}

const ANYONE_SIGNED_IN: MatrixRole[] = ['PARTNER', 'OTHER_PARTNER', 'COORDINATOR', 'OTHER_COORDINATOR', 'ANALYST', 'ADMIN'];
const ORGANISATION_EDITORS: MatrixRole[] = ['PARTNER', 'COORDINATOR', 'OTHER_COORDINATOR', 'ADMIN'];
const PROJECT_EDITORS: MatrixRole[] = ['PARTNER', 'COORDINATOR', 'ADMIN'];
const PROGRAMME_MANAGERS: MatrixRole[] = ['COORDINATOR', 'ADMIN'];

export const PERMISSION_MATRIX: MatrixRow[] = [
  mutation('createOrganisation', ANYONE_SIGNED_IN),
  mutation('updateOrganisation', ORGANISATION_EDITORS),
  mutation('archiveOrganisation', ORGANISATION_EDITORS),
  mutation('addOrganisationMember', ['PARTNER', 'ADMIN']),
  mutation('removeOrganisationMember', ['PARTNER', 'ADMIN']),
  mutation('verifyOrganisationMember', ['COORDINATOR', 'OTHER_COORDINATOR', 'ADMIN']),
  mutation('createProject', PROJECT_EDITORS),
  mutation('updateProject', PROJECT_EDITORS),
  mutation('addProjectParticipant', PROJECT_EDITORS),
  mutation('removeProjectParticipant', PROJECT_EDITORS),
  {
    // A draft is hidden from outsiders, so for them it is as if it did not exist (NOT_FOUND).
    operation: 'transitionProject (submit a draft)',
    kind: 'mutation',
    outcomes: { ANONYMOUS: U, READ_ONLY: F, PARTNER: A, OTHER_PARTNER: H, COORDINATOR: A, OTHER_COORDINATOR: H, ANALYST: F, ADMIN: A },
  },
  mutation('transitionProject (approve or reject)', PROGRAMME_MANAGERS),
  mutation('createFundingLine', PROGRAMME_MANAGERS),
  mutation('updateFundingLine', PROGRAMME_MANAGERS),
  mutation('deleteFundingLine', PROGRAMME_MANAGERS),
  mutation('createProgramme', ['ADMIN']),
  mutation('updateProgramme', PROGRAMME_MANAGERS),
  mutation('setProgrammeArea', PROGRAMME_MANAGERS),
  mutation('removeProgrammeArea', PROGRAMME_MANAGERS),
  mutation('setProgrammeCeiling', PROGRAMME_MANAGERS),
  mutation('removeProgrammeCeiling', PROGRAMME_MANAGERS),
  mutation('addProgrammeDecision', PROGRAMME_MANAGERS),
  mutation('addProgrammeCoordinator', ['ADMIN']),
  mutation('removeProgrammeCoordinator', ['ADMIN']),
  mutation('createTheme', ['COORDINATOR', 'OTHER_COORDINATOR', 'ADMIN']),
  mutation('updateTheme', ['COORDINATOR', 'OTHER_COORDINATOR', 'ADMIN']),
  mutation('createTargetGroup', ['COORDINATOR', 'OTHER_COORDINATOR', 'ADMIN']),
  mutation('updateTargetGroup', ['COORDINATOR', 'OTHER_COORDINATOR', 'ADMIN']),
  {
    // Analysts, admins and coordinators of either project's programme; a finding of another programme
    // is hidden from its coordinators (row-level security), so for them it does not exist (NOT_FOUND).
    operation: 'reviewOverlap',
    kind: 'mutation',
    outcomes: { ANONYMOUS: U, READ_ONLY: F, PARTNER: F, OTHER_PARTNER: F, COORDINATOR: A, OTHER_COORDINATOR: H, ANALYST: A, ADMIN: A },
  },
  read('ContactPerson.email, ContactPerson.phone', ['READ_ONLY', 'PARTNER', 'OTHER_PARTNER', 'COORDINATOR', 'OTHER_COORDINATOR', 'ANALYST', 'ADMIN']),
  // A newly registered organisation's people see their own contact details, not everyone's.
  read('ContactPerson.email, ContactPerson.phone (memberships unverified)', ['READ_ONLY', 'PARTNER', 'COORDINATOR', 'OTHER_COORDINATOR', 'ANALYST', 'ADMIN']),
  read('Organisation.internalNotes', ['COORDINATOR', 'OTHER_COORDINATOR', 'ANALYST', 'ADMIN']),
  read('Project.internalNotes', ['COORDINATOR', 'ANALYST', 'ADMIN']),
  read('draft and rejected projects (every road)', ['READ_ONLY', 'PARTNER', 'COORDINATOR', 'ANALYST', 'ADMIN']),
  // PARTNER leads one of the pair's projects; OTHER_PARTNER takes part in neither.
  read('overlaps (a risk finding)', ['COORDINATOR', 'ANALYST', 'ADMIN']),
  read('overlaps (a SYNERGY finding)', ['READ_ONLY', 'PARTNER', 'COORDINATOR', 'ANALYST', 'ADMIN']),
  read('Overlap.review', ['COORDINATOR', 'ANALYST', 'ADMIN']),
  read('auditLog', ['COORDINATOR', 'OTHER_COORDINATOR', 'ANALYST', 'ADMIN']),
  read('Organisation.history', ['READ_ONLY', 'PARTNER', 'COORDINATOR', 'OTHER_COORDINATOR', 'ANALYST', 'ADMIN']),
  read("node(id:) of an organisation's AuditEvent", ['READ_ONLY', 'PARTNER', 'COORDINATOR', 'OTHER_COORDINATOR', 'ANALYST', 'ADMIN']),
];

const SYMBOL: Record<Outcome, string> = { allowed: '✓', UNAUTHENTICATED: 'UNAUTHENTICATED', FORBIDDEN: 'FORBIDDEN', hidden: 'hidden' };

/** The matrix as the Markdown table in docs/security.md. */
export function renderPermissionMatrix(rows: MatrixRow[] = PERMISSION_MATRIX): string {
  const header = `| operation | ${MATRIX_ROLES.join(' | ')} |`;
  const rule = `|---|${MATRIX_ROLES.map(() => '---').join('|')}|`;
  const lines = rows.map((row) => `| \`${row.operation}\` | ${MATRIX_ROLES.map((role) => SYMBOL[row.outcomes[role]]).join(' | ')} |`);
  return [header, rule, ...lines].join('\n');
}
