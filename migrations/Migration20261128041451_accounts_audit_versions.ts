import { Migration } from '@mikro-orm/migrations';

export class Migration20261128041451_accounts_audit_versions extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create type "account_kind" as enum ('PERSON', 'INTEGRATION');`);
    this.addSql(`create type "token_scope" as enum ('READ_ONLY', 'READ_WRITE');`);
    this.addSql(`create type "audit_action" as enum ('CREATE', 'UPDATE', 'DELETE');`);
    this.addSql(`create table "account" ("id" serial primary key, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "name" varchar(200) not null, "kind" "account_kind" not null default 'PERSON', "email" varchar(320) null, "global_roles" text[] not null default '{}', "oidc_issuer" varchar(300) null, "oidc_subject" varchar(300) null, "disabled_at" timestamptz null);`);
    this.addSql(`alter table "account" add constraint "account_email_unique" unique ("email");`);
    this.addSql(`alter table "account" add constraint "account_oidc_issuer_oidc_subject_unique" unique ("oidc_issuer", "oidc_subject");`);

    this.addSql(`create table "api_token" ("id" serial primary key, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "account_id" int not null, "token_hash" varchar(64) not null, "prefix" varchar(16) not null, "name" varchar(200) not null, "scope" "token_scope" not null, "expires_at" timestamptz not null, "revoked_at" timestamptz null, "last_used_at" timestamptz null);`);
    this.addSql(`create index "api_token_account_id_index" on "api_token" ("account_id");`);
    this.addSql(`alter table "api_token" add constraint "api_token_token_hash_unique" unique ("token_hash");`);

    this.addSql(`create table "audit_event" ("id" bigserial primary key, "occurred_at" timestamptz not null default now(), "account_id" int null, "account_name" varchar(200) null, "token_id" int null, "organisation_id" int null, "operation" varchar(100) not null, "entity_type" varchar(60) not null, "entity_id" varchar(60) not null, "action" "audit_action" not null, "changes" jsonb not null, "request_id" varchar(100) null);`);
    // The audit trail is append-only for everyone who connects, the app included.
    this.addSql(`create function audit_event_append_only() returns trigger language plpgsql as $$
      begin
        raise exception 'audit_event is append-only: % is not allowed', tg_op using errcode = 'insufficient_privilege';
      end $$;`);
    this.addSql(`create trigger audit_event_no_update_delete before update or delete on audit_event
      for each row execute function audit_event_append_only();`);
    this.addSql(`create trigger audit_event_no_truncate before truncate on audit_event
      for each statement execute function audit_event_append_only();`);
    this.addSql(`create index "audit_event_account_id_index" on "audit_event" ("account_id");`);
    this.addSql(`create index "audit_event_organisation_id_index" on "audit_event" ("organisation_id");`);
    this.addSql(`create index "audit_event_entity_type_entity_id_id_index" on "audit_event" ("entity_type", "entity_id", "id");`);

    this.addSql(`create table "idempotency_record" ("id" serial primary key, "account_id" int not null, "key" varchar(200) not null, "operation" varchar(100) not null, "input_hash" varchar(64) not null, "result_type" varchar(60) not null, "result_id" varchar(60) not null, "created_at" timestamptz not null default now());`);
    this.addSql(`create index "idempotency_record_created_at_index" on "idempotency_record" ("created_at");`);
    this.addSql(`alter table "idempotency_record" add constraint "idempotency_record_account_id_key_unique" unique ("account_id", "key");`);

    this.addSql(`create table "membership" ("id" serial primary key, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "account_id" int not null, "organisation_id" int not null);`);
    this.addSql(`create index "membership_organisation_id_index" on "membership" ("organisation_id");`);
    this.addSql(`alter table "membership" add constraint "membership_account_id_organisation_id_unique" unique ("account_id", "organisation_id");`);

    this.addSql(`create table "programme_coordinator" ("id" serial primary key, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "account_id" int not null, "programme_id" int not null);`);
    this.addSql(`create index "programme_coordinator_programme_id_index" on "programme_coordinator" ("programme_id");`);
    this.addSql(`alter table "programme_coordinator" add constraint "programme_coordinator_account_id_programme_id_unique" unique ("account_id", "programme_id");`);

    this.addSql(`alter table "api_token" add constraint "api_token_account_id_foreign" foreign key ("account_id") references "account" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "idempotency_record" add constraint "idempotency_record_account_id_foreign" foreign key ("account_id") references "account" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "membership" add constraint "membership_account_id_foreign" foreign key ("account_id") references "account" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "membership" add constraint "membership_organisation_id_foreign" foreign key ("organisation_id") references "organisation" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "programme_coordinator" add constraint "programme_coordinator_account_id_foreign" foreign key ("account_id") references "account" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "programme_coordinator" add constraint "programme_coordinator_programme_id_foreign" foreign key ("programme_id") references "programme" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "organisation" add column "internal_notes" text null, add column "archived_at" timestamptz null, add column "version" int not null default 1;`);

    this.addSql(`alter table "programme" add column "version" int not null default 1;`);

    this.addSql(`alter table "project" add column "internal_notes" text null, add column "version" int not null default 1;`);

    this.addSql(`alter table "participation" add column "version" int not null default 1;`);

    this.addSql(`alter table "funding_line" add column "ceiling_override_reason" text null, add column "version" int not null default 1;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "api_token" drop constraint "api_token_account_id_foreign";`);

    this.addSql(`alter table "idempotency_record" drop constraint "idempotency_record_account_id_foreign";`);

    this.addSql(`alter table "membership" drop constraint "membership_account_id_foreign";`);

    this.addSql(`alter table "programme_coordinator" drop constraint "programme_coordinator_account_id_foreign";`);

    this.addSql(`drop table if exists "account" cascade;`);

    this.addSql(`drop table if exists "api_token" cascade;`);

    this.addSql(`drop table if exists "audit_event" cascade;`);
    this.addSql(`drop function if exists audit_event_append_only();`);

    this.addSql(`drop table if exists "idempotency_record" cascade;`);

    this.addSql(`drop table if exists "membership" cascade;`);

    this.addSql(`drop table if exists "programme_coordinator" cascade;`);

    this.addSql(`alter table "funding_line" drop column "ceiling_override_reason", drop column "version";`);

    this.addSql(`alter table "organisation" drop column "internal_notes", drop column "archived_at", drop column "version";`);

    this.addSql(`alter table "participation" drop column "version";`);

    this.addSql(`alter table "programme" drop column "version";`);

    this.addSql(`alter table "project" drop column "internal_notes", drop column "version";`);

    this.addSql(`drop type "account_kind";`);
    this.addSql(`drop type "token_scope";`);
    this.addSql(`drop type "audit_action";`);
  }

}
