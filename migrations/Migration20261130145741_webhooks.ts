import { Migration } from '@mikro-orm/migrations';

/**
 * Webhooks (issue 9): a hook and its delivery log belong to the account that registered it. Row-level
 * security shows them to that account and to admins only (the request sets silta.account and
 * silta.admin); the serving role writes hooks only in a mutation's write window, and never writes
 * the delivery log, which the delivery worker keeps as the database owner.
 */
export class Migration20261130145741_webhooks extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create type "webhook_status" as enum ('ACTIVE', 'DISABLED');`);
    this.addSql(`create type "webhook_delivery_status" as enum ('SUCCEEDED', 'FAILED');`);
    this.addSql(`create table "webhook" ("id" serial primary key, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "account_id" int not null, "url" varchar(2000) not null, "description" varchar(500) null, "filter" jsonb not null, "signing_secret" varchar(100) not null, "status" "webhook_status" not null default 'ACTIVE', "disabled_reason" text null, "disabled_at" timestamptz null, "cursor_xid" xid8 not null default pg_snapshot_xmin(pg_current_snapshot()), "cursor_id" bigint not null default 0, "consecutive_failures" int not null default 0, "next_attempt_at" timestamptz null default now(), "lease_until" timestamptz null, "lease_token" uuid null);`);
    this.addSql(`create index "webhook_account_id_index" on "webhook" ("account_id");`);
    this.addSql(`create index "webhook_due_idx" on "webhook" ("next_attempt_at", "id") where "status" = 'ACTIVE';`);

    this.addSql(`create table "webhook_delivery" ("id" bigserial primary key, "webhook_id" int not null, "delivery_id" uuid not null, "event_xid" xid8 not null, "event_id" bigint not null, "event_type" "activity_type" not null, "attempt" int not null, "status" "webhook_delivery_status" not null, "response_status" smallint null, "error" varchar(500) null, "response_excerpt" varchar(200) null, "duration_ms" int not null, "created_at" timestamptz not null default now(), "next_attempt_at" timestamptz null);`);
    this.addSql(`create index "webhook_delivery_webhook_order_idx" on "webhook_delivery" ("webhook_id", "id" desc);`);

    this.addSql(`alter table "webhook" add constraint "webhook_account_id_foreign" foreign key ("account_id") references "account" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "webhook_delivery" add constraint "webhook_delivery_webhook_id_foreign" foreign key ("webhook_id") references "webhook" ("id") on update cascade on delete cascade;`);

    this.addSql(`create function silta_owns_account(p_account int) returns boolean language sql stable parallel safe as $$
      select coalesce(current_setting('silta.admin', true), '') = 'on'
          or p_account::text = nullif(current_setting('silta.account', true), '') $$;`);
    this.addSql(`alter table "webhook" enable row level security;`);
    this.addSql(`create policy "webhook_select" on "webhook" for select using (silta_owns_account(account_id));`);
    this.addSql(`create policy "webhook_insert" on "webhook" for insert with check (silta_writing() and silta_owns_account(account_id));`);
    this.addSql(`create policy "webhook_update" on "webhook" for update using (silta_owns_account(account_id)) with check (silta_writing() and silta_owns_account(account_id));`);
    this.addSql(`create policy "webhook_delete" on "webhook" for delete using (silta_owns_account(account_id) and silta_writing());`);
    this.addSql(`alter table "webhook_delivery" enable row level security;`);
    this.addSql(`create policy "webhook_delivery_select" on "webhook_delivery" for select using (exists (select 1 from webhook w where w.id = webhook_id));`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop policy if exists "webhook_delivery_select" on "webhook_delivery";`);
    for (const action of ['select', 'insert', 'update', 'delete']) this.addSql(`drop policy if exists "webhook_${action}" on "webhook";`);
    this.addSql(`drop function if exists silta_owns_account(int);`);
    this.addSql(`alter table "webhook_delivery" drop constraint "webhook_delivery_webhook_id_foreign";`);

    this.addSql(`drop table if exists "webhook" cascade;`);

    this.addSql(`drop table if exists "webhook_delivery" cascade;`);

    this.addSql(`drop type "webhook_status";`);
    this.addSql(`drop type "webhook_delivery_status";`);
  }

}
