/**
 * Tables without the `bump_data_version` trigger: anonymous queries never read them, and some are
 * written on every request (budgets) or all the time (the overlap queue, webhook deliveries), which
 * would empty the response cache for nothing. Overlap findings and reviews are shown to analysts,
 * admins, coordinators and partners, never to anonymous callers. Every other table must have the
 * trigger (a test checks): a new table that feeds public reads gets it in its migration.
 */
export const UNVERSIONED_TABLES = [
  'api_token',
  'data_version',
  'idempotency_record',
  // The record of imports: no query shows it; the rows an import writes bump the version themselves.
  'import_run',
  'mikro_orm_migrations',
  'overlap',
  'overlap_dirty',
  'overlap_review',
  'overlap_state',
  'overlap_term',
  'rate_bucket',
  'webhook',
  'webhook_delivery',
];
