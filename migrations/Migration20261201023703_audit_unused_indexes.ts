import { Migration } from '@mikro-orm/migrations';

/**
 * Every import and mutation writes audit rows, and each index is one more insert per row. No read
 * filters the audit trail by organisation or project (the audit log filters by entity, account,
 * operation and time; row-level security looks the project up, not the events), so these two go.
 */
export class Migration20261201023703_audit_unused_indexes extends Migration {

  override async up(): Promise<void> {
    this.addSql(`drop index "audit_event_organisation_id_index";`);
    this.addSql(`drop index "audit_event_project_id_index";`);
  }

  override async down(): Promise<void> {
    this.addSql(`create index "audit_event_organisation_id_index" on "audit_event" ("organisation_id");`);
    this.addSql(`create index "audit_event_project_id_index" on "audit_event" ("project_id");`);
  }

}
