/** The viewer the benchmark's PostGraphile and floor act for: anonymous, or the partner account. */
export interface BenchViewer {
  organisationIds: number[];
  verifiedOrganisationIds: number[];
  accountId: number | null;
}

/**
 * The settings Silta's row-level security reads, as Silta sets them per request for this viewer
 * (SESSION_VIEWER_SQL in src/shared/db/session.ts): a partner is no coordinator, sees no drafts but
 * its own, and is no admin.
 */
export function viewerSettings(viewer: BenchViewer): Record<string, string> {
  return {
    'silta.organisations': `{${viewer.organisationIds.join(',')}}`,
    'silta.programmes': '{}',
    'silta.sees_all': 'off',
    'silta.writing': 'off',
    'silta.account': viewer.accountId == null ? '' : String(viewer.accountId),
    'silta.admin': 'off',
    'silta.verified_organisations': `{${viewer.verifiedOrganisationIds.join(',')}}`,
  };
}
