import { Migration } from '@mikro-orm/migrations';

export class Migration20261130151613_activity_retention extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "activity_retention" ("key" text not null default 'log', "pruned_xid" xid8 not null, "pruned_id" bigint not null, "pruned_at" timestamptz not null default now(), constraint "activity_retention_pkey" primary key ("key"));`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "activity_retention" cascade;`);
  }

}
