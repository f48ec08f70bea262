import { Migration } from '@mikro-orm/migrations';

export class Migration20261130120102_membership_verification extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "membership" add column "verified_at" timestamptz null, add column "verified_by_id" int null;`);
    this.addSql(`alter table "membership" add constraint "membership_verified_by_id_foreign" foreign key ("verified_by_id") references "account" ("id") on update cascade on delete set null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "membership" drop constraint "membership_verified_by_id_foreign";`);

    this.addSql(`alter table "membership" drop column "verified_at", drop column "verified_by_id";`);
  }

}
