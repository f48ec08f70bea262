import { Migration } from '@mikro-orm/migrations';

export class Migration20261128033923_initial extends Migration {

  override async up(): Promise<void> {
    // Trigram indexes (typo-tolerant search) need pg_trgm; it ships with PostgreSQL's contrib modules.
    this.addSql(`create extension if not exists pg_trgm;`);
    this.addSql(`create type "postal_area_kind" as enum ('NORMAL', 'PO_BOX', 'CORPORATE', 'COMPILATION', 'REPLY_MAIL', 'PARCEL_LOCKER', 'TECHNICAL');`);
    this.addSql(`create type "organisation_type" as enum ('ASSOCIATION', 'FOUNDATION', 'MUNICIPALITY', 'AUTHORITY', 'LOCAL_ACTION_GROUP', 'COMPANY', 'EDUCATIONAL', 'PARISH', 'OTHER');`);
    this.addSql(`create type "scheme" as enum ('KAKE', 'LEADER', 'OTHER');`);
    this.addSql(`create type "area_type" as enum ('URBAN', 'RURAL');`);
    this.addSql(`create type "decision_outcome" as enum ('APPROVED', 'PENDING', 'REJECTED');`);
    this.addSql(`create type "funding_source" as enum ('ESR', 'EAFRD', 'STATE', 'MUNICIPAL', 'PRIVATE', 'IN_KIND');`);
    this.addSql(`create type "project_status" as enum ('DRAFT', 'SUBMITTED', 'APPROVED', 'REJECTED', 'ONGOING', 'COMPLETED', 'CANCELLED');`);
    this.addSql(`create type "participation_role" as enum ('LEAD', 'PARTNER', 'SUB_GRANTEE', 'FUNDER');`);
    this.addSql(`create table "municipality" ("code" char(3) not null, "name_fi" varchar(100) not null, "name_sv" varchar(100) not null, "region_code" varchar(10) not null, "region_name_fi" varchar(100) not null, "region_name_sv" varchar(100) not null, constraint "municipality_pkey" primary key ("code"));`);
    this.addSql(`create index "municipality_name_fi_index" on "municipality" ("name_fi");`);
    this.addSql(`create index "municipality_region_code_index" on "municipality" ("region_code");`);

    this.addSql(`create table "postal_area" ("postal_code" char(5) not null, "name_fi" varchar(100) not null, "name_sv" varchar(100) not null, "kind" "postal_area_kind" not null, "municipality_code" char(3) not null, "valid_from" date null, constraint "postal_area_pkey" primary key ("postal_code"));`);
    this.addSql(`create index "postal_area_municipality_code_index" on "postal_area" ("municipality_code");`);
    this.addSql(`create index "postal_area_name_fi_trgm_idx" on "postal_area" using gin ("name_fi" gin_trgm_ops);`);

    this.addSql(`create table "organisation" ("id" serial primary key, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "name" varchar(300) not null, "type" "organisation_type" not null, "business_id" varchar(9) null, "association_register_number" varchar(6) null, "home_municipality_code" char(3) null, "postal_code" char(5) null, "website" varchar(500) null, "description" text null, "is_demo" boolean not null default false, constraint organisation_name_not_blank check (btrim(name) <> ''), constraint organisation_register_number_format check (association_register_number ~ '^[0-9]{1,6}\$'), constraint organisation_business_id_format check (business_id ~ '^[0-9]{7}-[0-9]\$'));`);
    this.addSql(`create index "organisation_name_index" on "organisation" ("name");`);
    this.addSql(`create index "organisation_type_index" on "organisation" ("type");`);
    this.addSql(`alter table "organisation" add constraint "organisation_business_id_unique" unique ("business_id");`);
    this.addSql(`create index "organisation_home_municipality_code_index" on "organisation" ("home_municipality_code");`);
    this.addSql(`create index "organisation_postal_code_index" on "organisation" ("postal_code");`);
    this.addSql(`create index "organisation_name_trgm_idx" on "organisation" using gin ("name" gin_trgm_ops);`);
    this.addSql(`create index "organisation_search_idx" on "organisation" using gin ((setweight(to_tsvector('finnish', "name"), 'A') || setweight(to_tsvector('finnish', coalesce("description", '')), 'B')));`);

    this.addSql(`create table "external_id" ("id" serial primary key, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "organisation_id" int not null, "system" varchar(40) not null, "value" varchar(200) not null);`);
    this.addSql(`create index "external_id_organisation_id_index" on "external_id" ("organisation_id");`);
    this.addSql(`alter table "external_id" add constraint "external_id_system_value_unique" unique ("system", "value");`);

    this.addSql(`create table "contact_person" ("id" serial primary key, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "organisation_id" int not null, "name" varchar(200) not null, "title" varchar(200) null, "email" varchar(320) null, "phone" varchar(40) null);`);
    this.addSql(`create index "contact_person_organisation_id_index" on "contact_person" ("organisation_id");`);

    this.addSql(`create table "programme" ("id" serial primary key, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "code" varchar(60) not null, "name" varchar(300) not null, "scheme" "scheme" not null, "period_start" date not null, "period_end" date not null, "parent_id" int null, "administering_organisation_id" int null, "description" text null, "is_demo" boolean not null default false, constraint programme_not_own_parent check (parent_id is null or parent_id <> id), constraint programme_period_order check (period_end >= period_start));`);
    this.addSql(`alter table "programme" add constraint "programme_code_unique" unique ("code");`);
    this.addSql(`create index "programme_name_index" on "programme" ("name");`);
    this.addSql(`create index "programme_scheme_index" on "programme" ("scheme");`);
    this.addSql(`create index "programme_period_start_index" on "programme" ("period_start");`);
    this.addSql(`create index "programme_parent_id_index" on "programme" ("parent_id");`);
    this.addSql(`create index "programme_administering_organisation_id_index" on "programme" ("administering_organisation_id");`);
    this.addSql(`create index "programme_name_trgm_idx" on "programme" using gin ("name" gin_trgm_ops);`);
    this.addSql(`create index "programme_search_idx" on "programme" using gin ((setweight(to_tsvector('finnish', "name"), 'A') || setweight(to_tsvector('finnish', coalesce("description", '')), 'B')));`);

    this.addSql(`create table "programme_area" ("id" serial primary key, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "programme_id" int not null, "postal_code" char(5) not null, "area_type" "area_type" not null);`);
    this.addSql(`create index "programme_area_postal_code_index" on "programme_area" ("postal_code");`);
    this.addSql(`alter table "programme_area" add constraint "programme_area_programme_id_postal_code_unique" unique ("programme_id", "postal_code");`);

    this.addSql(`create table "programme_ceiling" ("id" serial primary key, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "programme_id" int not null, "sources" text[] not null, "annual_amount" numeric(14,2) not null, "year" int null, "approximate" boolean not null default false, constraint programme_ceiling_sources_not_empty check (cardinality(sources) > 0), constraint programme_ceiling_amount_non_negative check (annual_amount >= 0));`);
    this.addSql(`create index "programme_ceiling_programme_id_index" on "programme_ceiling" ("programme_id");`);

    this.addSql(`create table "programme_decision" ("id" serial primary key, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "programme_id" int not null, "body" varchar(300) not null, "date" date not null, "reference" varchar(300) null, "outcome" "decision_outcome" not null, "summary" text null);`);
    this.addSql(`create index "programme_decision_programme_id_index" on "programme_decision" ("programme_id");`);

    this.addSql(`create table "programme_funder" ("id" serial primary key, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "programme_id" int not null, "organisation_id" int not null, "source" "funding_source" not null);`);
    this.addSql(`create index "programme_funder_organisation_id_index" on "programme_funder" ("organisation_id");`);
    this.addSql(`alter table "programme_funder" add constraint "programme_funder_programme_id_organisation_id_source_unique" unique ("programme_id", "organisation_id", "source");`);

    this.addSql(`create table "programme_objective" ("id" serial primary key, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "programme_id" int not null, "priority_axis" int not null, "specific_objective" varchar(20) not null, "title" varchar(500) not null, constraint programme_objective_axis_positive check (priority_axis > 0));`);
    this.addSql(`alter table "programme_objective" add constraint "programme_objective_programme_id_priority_axis_sp_bcb46_unique" unique ("programme_id", "priority_axis", "specific_objective");`);

    this.addSql(`create table "project" ("id" serial primary key, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "code" varchar(60) not null, "eura_code" varchar(40) null, "hyrra_number" varchar(40) null, "record_number" varchar(60) null, "title" varchar(300) not null, "summary" text null, "purpose" text null, "achievements" text null, "status" "project_status" not null, "planned_start" date null, "planned_end" date null, "actual_start" date null, "actual_end" date null, "programme_id" int not null, "parent_id" int null, "is_demo" boolean not null default false, constraint project_title_not_blank check (btrim(title) <> ''), constraint project_not_own_parent check (parent_id is null or parent_id <> id), constraint project_actual_period_order check (actual_end is null or actual_start is null or actual_end >= actual_start), constraint project_planned_period_order check (planned_end is null or planned_start is null or planned_end >= planned_start));`);
    this.addSql(`alter table "project" add constraint "project_code_unique" unique ("code");`);
    this.addSql(`alter table "project" add constraint "project_eura_code_unique" unique ("eura_code");`);
    this.addSql(`alter table "project" add constraint "project_hyrra_number_unique" unique ("hyrra_number");`);
    this.addSql(`create index "project_title_index" on "project" ("title");`);
    this.addSql(`create index "project_status_index" on "project" ("status");`);
    this.addSql(`create index "project_programme_id_index" on "project" ("programme_id");`);
    this.addSql(`create index "project_parent_id_index" on "project" ("parent_id");`);
    this.addSql(`create index "project_effective_period_idx" on "project" ("planned_start", "planned_end");`);
    this.addSql(`create index "project_title_trgm_idx" on "project" using gin ("title" gin_trgm_ops);`);
    this.addSql(`create index "project_search_idx" on "project" using gin ((setweight(to_tsvector('finnish', "title"), 'A') || setweight(to_tsvector('finnish', coalesce("summary", '') || ' ' || coalesce("purpose", '')), 'B')));`);

    this.addSql(`create table "participation" ("id" serial primary key, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "project_id" int not null, "organisation_id" int not null, "role" "participation_role" not null, "budget_share" numeric(14,2) null, constraint participation_budget_share_non_negative check (budget_share >= 0));`);
    this.addSql(`create index "participation_organisation_id_index" on "participation" ("organisation_id");`);
    this.addSql(`create index "participation_role_index" on "participation" ("role");`);
    this.addSql(`alter table "participation" add constraint "participation_project_id_organisation_id_role_unique" unique ("project_id", "organisation_id", "role");`);

    this.addSql(`create table "funding_line" ("id" serial primary key, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "project_id" int not null, "source" "funding_source" not null, "planned" numeric(14,2) not null default 0, "granted" numeric(14,2) not null default 0, "paid" numeric(14,2) not null default 0, "decision_date" date null, "decision_reference" varchar(200) null, constraint funding_line_paid_non_negative check (paid >= 0), constraint funding_line_granted_non_negative check (granted >= 0), constraint funding_line_planned_non_negative check (planned >= 0));`);
    this.addSql(`create index "funding_line_project_id_index" on "funding_line" ("project_id");`);
    this.addSql(`create index "funding_line_source_decision_date_idx" on "funding_line" ("source", "decision_date");`);

    this.addSql(`create table "project_location" ("project_id" int not null, "postal_code" char(5) not null, constraint "project_location_pkey" primary key ("project_id", "postal_code"));`);
    this.addSql(`create index "project_location_postal_code_index" on "project_location" ("postal_code");`);

    this.addSql(`create table "reference_dataset" ("name" varchar(60) not null, "version" varchar(60) not null, "loaded_at" timestamptz not null, constraint "reference_dataset_pkey" primary key ("name"));`);

    this.addSql(`create table "target_group" ("id" serial primary key, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "code" varchar(60) not null, "label_fi" varchar(200) not null, "label_en" varchar(200) not null);`);
    this.addSql(`alter table "target_group" add constraint "target_group_code_unique" unique ("code");`);

    this.addSql(`create table "project_target_group" ("project_id" int not null, "target_group_id" int not null, constraint "project_target_group_pkey" primary key ("project_id", "target_group_id"));`);
    this.addSql(`create index "project_target_group_target_group_id_index" on "project_target_group" ("target_group_id");`);

    this.addSql(`create table "theme" ("id" serial primary key, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "code" varchar(60) not null, "label_fi" varchar(200) not null, "label_en" varchar(200) not null);`);
    this.addSql(`alter table "theme" add constraint "theme_code_unique" unique ("code");`);

    this.addSql(`create table "project_theme" ("project_id" int not null, "theme_id" int not null, constraint "project_theme_pkey" primary key ("project_id", "theme_id"));`);
    this.addSql(`create index "project_theme_theme_id_index" on "project_theme" ("theme_id");`);

    this.addSql(`alter table "postal_area" add constraint "postal_area_municipality_code_foreign" foreign key ("municipality_code") references "municipality" ("code") on update cascade on delete restrict;`);

    this.addSql(`alter table "organisation" add constraint "organisation_home_municipality_code_foreign" foreign key ("home_municipality_code") references "municipality" ("code") on update cascade on delete restrict;`);
    this.addSql(`alter table "organisation" add constraint "organisation_postal_code_foreign" foreign key ("postal_code") references "postal_area" ("postal_code") on update cascade on delete restrict;`);

    this.addSql(`alter table "external_id" add constraint "external_id_organisation_id_foreign" foreign key ("organisation_id") references "organisation" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "contact_person" add constraint "contact_person_organisation_id_foreign" foreign key ("organisation_id") references "organisation" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "programme" add constraint "programme_parent_id_foreign" foreign key ("parent_id") references "programme" ("id") on update cascade on delete restrict;`);
    this.addSql(`alter table "programme" add constraint "programme_administering_organisation_id_foreign" foreign key ("administering_organisation_id") references "organisation" ("id") on update cascade on delete restrict;`);

    this.addSql(`alter table "programme_area" add constraint "programme_area_programme_id_foreign" foreign key ("programme_id") references "programme" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "programme_area" add constraint "programme_area_postal_code_foreign" foreign key ("postal_code") references "postal_area" ("postal_code") on update cascade on delete restrict;`);

    this.addSql(`alter table "programme_ceiling" add constraint "programme_ceiling_programme_id_foreign" foreign key ("programme_id") references "programme" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "programme_decision" add constraint "programme_decision_programme_id_foreign" foreign key ("programme_id") references "programme" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "programme_funder" add constraint "programme_funder_programme_id_foreign" foreign key ("programme_id") references "programme" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "programme_funder" add constraint "programme_funder_organisation_id_foreign" foreign key ("organisation_id") references "organisation" ("id") on update cascade on delete restrict;`);

    this.addSql(`alter table "programme_objective" add constraint "programme_objective_programme_id_foreign" foreign key ("programme_id") references "programme" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "project" add constraint "project_programme_id_foreign" foreign key ("programme_id") references "programme" ("id") on update cascade on delete restrict;`);
    this.addSql(`alter table "project" add constraint "project_parent_id_foreign" foreign key ("parent_id") references "project" ("id") on update cascade on delete restrict;`);

    this.addSql(`alter table "participation" add constraint "participation_project_id_foreign" foreign key ("project_id") references "project" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "participation" add constraint "participation_organisation_id_foreign" foreign key ("organisation_id") references "organisation" ("id") on update cascade on delete restrict;`);

    this.addSql(`alter table "funding_line" add constraint "funding_line_project_id_foreign" foreign key ("project_id") references "project" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "project_location" add constraint "project_location_project_id_foreign" foreign key ("project_id") references "project" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "project_location" add constraint "project_location_postal_code_foreign" foreign key ("postal_code") references "postal_area" ("postal_code") on update cascade on delete restrict;`);

    this.addSql(`alter table "project_target_group" add constraint "project_target_group_project_id_foreign" foreign key ("project_id") references "project" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "project_target_group" add constraint "project_target_group_target_group_id_foreign" foreign key ("target_group_id") references "target_group" ("id") on update cascade on delete restrict;`);

    this.addSql(`alter table "project_theme" add constraint "project_theme_project_id_foreign" foreign key ("project_id") references "project" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "project_theme" add constraint "project_theme_theme_id_foreign" foreign key ("theme_id") references "theme" ("id") on update cascade on delete restrict;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "postal_area" drop constraint "postal_area_municipality_code_foreign";`);

    this.addSql(`alter table "organisation" drop constraint "organisation_home_municipality_code_foreign";`);

    this.addSql(`alter table "organisation" drop constraint "organisation_postal_code_foreign";`);

    this.addSql(`alter table "programme_area" drop constraint "programme_area_postal_code_foreign";`);

    this.addSql(`alter table "project_location" drop constraint "project_location_postal_code_foreign";`);

    this.addSql(`alter table "external_id" drop constraint "external_id_organisation_id_foreign";`);

    this.addSql(`alter table "contact_person" drop constraint "contact_person_organisation_id_foreign";`);

    this.addSql(`alter table "programme" drop constraint "programme_administering_organisation_id_foreign";`);

    this.addSql(`alter table "programme_funder" drop constraint "programme_funder_organisation_id_foreign";`);

    this.addSql(`alter table "participation" drop constraint "participation_organisation_id_foreign";`);

    this.addSql(`alter table "programme" drop constraint "programme_parent_id_foreign";`);

    this.addSql(`alter table "programme_area" drop constraint "programme_area_programme_id_foreign";`);

    this.addSql(`alter table "programme_ceiling" drop constraint "programme_ceiling_programme_id_foreign";`);

    this.addSql(`alter table "programme_decision" drop constraint "programme_decision_programme_id_foreign";`);

    this.addSql(`alter table "programme_funder" drop constraint "programme_funder_programme_id_foreign";`);

    this.addSql(`alter table "programme_objective" drop constraint "programme_objective_programme_id_foreign";`);

    this.addSql(`alter table "project" drop constraint "project_programme_id_foreign";`);

    this.addSql(`alter table "project" drop constraint "project_parent_id_foreign";`);

    this.addSql(`alter table "participation" drop constraint "participation_project_id_foreign";`);

    this.addSql(`alter table "funding_line" drop constraint "funding_line_project_id_foreign";`);

    this.addSql(`alter table "project_location" drop constraint "project_location_project_id_foreign";`);

    this.addSql(`alter table "project_target_group" drop constraint "project_target_group_project_id_foreign";`);

    this.addSql(`alter table "project_theme" drop constraint "project_theme_project_id_foreign";`);

    this.addSql(`alter table "project_target_group" drop constraint "project_target_group_target_group_id_foreign";`);

    this.addSql(`alter table "project_theme" drop constraint "project_theme_theme_id_foreign";`);

    this.addSql(`drop table if exists "municipality" cascade;`);

    this.addSql(`drop table if exists "postal_area" cascade;`);

    this.addSql(`drop table if exists "organisation" cascade;`);

    this.addSql(`drop table if exists "external_id" cascade;`);

    this.addSql(`drop table if exists "contact_person" cascade;`);

    this.addSql(`drop table if exists "programme" cascade;`);

    this.addSql(`drop table if exists "programme_area" cascade;`);

    this.addSql(`drop table if exists "programme_ceiling" cascade;`);

    this.addSql(`drop table if exists "programme_decision" cascade;`);

    this.addSql(`drop table if exists "programme_funder" cascade;`);

    this.addSql(`drop table if exists "programme_objective" cascade;`);

    this.addSql(`drop table if exists "project" cascade;`);

    this.addSql(`drop table if exists "participation" cascade;`);

    this.addSql(`drop table if exists "funding_line" cascade;`);

    this.addSql(`drop table if exists "project_location" cascade;`);

    this.addSql(`drop table if exists "reference_dataset" cascade;`);

    this.addSql(`drop table if exists "target_group" cascade;`);

    this.addSql(`drop table if exists "project_target_group" cascade;`);

    this.addSql(`drop table if exists "theme" cascade;`);

    this.addSql(`drop table if exists "project_theme" cascade;`);

    this.addSql(`drop type "postal_area_kind";`);
    this.addSql(`drop type "organisation_type";`);
    this.addSql(`drop type "scheme";`);
    this.addSql(`drop type "area_type";`);
    this.addSql(`drop type "decision_outcome";`);
    this.addSql(`drop type "funding_source";`);
    this.addSql(`drop type "project_status";`);
    this.addSql(`drop type "participation_role";`);
  }

}
