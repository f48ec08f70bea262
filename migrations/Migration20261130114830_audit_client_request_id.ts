import { Migration } from '@mikro-orm/migrations';

export class Migration20261130114830_audit_client_request_id extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "audit_event" add column "client_request_id" varchar(100) null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "audit_event" drop column "client_request_id";`);
  }

}
