import { Migration } from '@mikro-orm/migrations';

export class Migration20261130164846_import_runs extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "import_run" ("id" serial primary key, "started_at" timestamptz not null default now(), "finished_at" timestamptz not null default now(), "file_name" varchar(500) not null, "file_hash" varchar(64) not null, "format" varchar(40) not null, "account_id" int null, "actor_name" varchar(200) not null, "dry_run" boolean not null, "skip_invalid" boolean not null, "committed" boolean not null, "counts" jsonb not null, "problem_count" int not null);`);
    this.addSql(`create index "import_run_started_at_index" on "import_run" ("started_at");`);
    this.addSql(`create index "import_run_file_hash_index" on "import_run" ("file_hash");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "import_run" cascade;`);
  }

}
