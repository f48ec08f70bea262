import { Migration } from '@mikro-orm/migrations';

/** Tables whose changes can change a project's overlaps, with the column that names the project. */
const SOURCES: Array<[table: string, projectColumn: string]> = [
  ['project', 'id'],
  ['participation', 'project_id'],
  ['funding_line', 'project_id'],
  ['project_theme', 'project_id'],
  ['project_target_group', 'project_id'],
  ['project_location', 'project_id'],
];

/**
 * Overlap findings and reviews (issue 8).
 *
 * Freshness: every committed change to a project or a part of it queues the project in
 * overlap_dirty (statement-level triggers, so bulk writes cost one insert per statement) and
 * notifies the channel silta_overlaps; the engine in any Silta instance rescores the queued
 * projects (select … for update skip locked), so the trigger is the commit, whoever wrote it.
 *
 * Visibility: a finding is visible to analysts and admins, to coordinators of either project's
 * programme, and, when it is (or was reviewed as) SYNERGY, to the organisations taking part in
 * either project; never when either project is hidden from the viewer (the project table's own
 * policy applies inside these subqueries). Reviews: analysts, admins and coordinators only.
 */
export class Migration20261130140050_overlaps extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create type "overlap_review_status" as enum ('CONFIRMED', 'DISMISSED', 'SYNERGY');`);
    this.addSql(`create type "overlap_kind" as enum ('DOUBLE_FUNDING_RISK', 'DUPLICATION_RISK', 'SAME_ORGANISATION', 'SYNERGY', 'SHARED_PARTNER');`);
    this.addSql(`create table "overlap_review" ("id" serial primary key, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "project_a_id" int not null, "project_b_id" int not null, "status" "overlap_review_status" not null, "note" text null, "reviewer_id" int null, "version" int not null default 1, constraint overlap_review_pair_order check (project_a_id < project_b_id));`);
    this.addSql(`create index "overlap_review_project_b_id_index" on "overlap_review" ("project_b_id");`);
    this.addSql(`create index "overlap_review_reviewer_id_index" on "overlap_review" ("reviewer_id");`);
    this.addSql(`alter table "overlap_review" add constraint "overlap_review_project_a_id_project_b_id_unique" unique ("project_a_id", "project_b_id");`);

    this.addSql(`create table "overlap" ("id" serial primary key, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "project_a_id" int not null, "project_b_id" int not null, "kind" "overlap_kind" not null, "score" double precision not null, "crosses_divide" boolean not null, "signals" jsonb not null, "review_status" "overlap_review_status" null, "computed_at" timestamptz not null default now(), constraint overlap_pair_order check (project_a_id < project_b_id));`);
    this.addSql(`create index "overlap_project_a_score_idx" on "overlap" ("project_a_id", "score" desc, "id" desc);`);
    this.addSql(`create index "overlap_project_b_score_idx" on "overlap" ("project_b_id", "score" desc, "id" desc);`);
    this.addSql(`create index "overlap_score_order_idx" on "overlap" ("score" desc, "id" desc);`);
    this.addSql(`alter table "overlap" add constraint "overlap_project_a_id_project_b_id_unique" unique ("project_a_id", "project_b_id");`);

    this.addSql(`alter table "overlap_review" add constraint "overlap_review_project_a_id_foreign" foreign key ("project_a_id") references "project" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "overlap_review" add constraint "overlap_review_project_b_id_foreign" foreign key ("project_b_id") references "project" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "overlap_review" add constraint "overlap_review_reviewer_id_foreign" foreign key ("reviewer_id") references "account" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "overlap" add constraint "overlap_project_a_id_foreign" foreign key ("project_a_id") references "project" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "overlap" add constraint "overlap_project_b_id_foreign" foreign key ("project_b_id") references "project" ("id") on update cascade on delete cascade;`);

    // Engine state: the queue of projects to rescore, and the text statistics (document frequencies).
    this.addSql(`create table "overlap_dirty" ("project_id" int not null, "queued_at" timestamptz not null default clock_timestamp(), constraint "overlap_dirty_pkey" primary key ("project_id"));`);
    this.addSql(`create table "overlap_state" ("key" text not null, "value" jsonb not null, "updated_at" timestamptz not null default now(), constraint "overlap_state_pkey" primary key ("key"));`);
    this.addSql(`create table "overlap_term" ("term" text not null, "documents" int not null, constraint "overlap_term_pkey" primary key ("term"));`);

    this.addSql(`create function silta_overlap_queue(p_ids int[]) returns void language plpgsql security definer
      set search_path = public, pg_temp as $$
      begin
        insert into overlap_dirty (project_id) select distinct x from unnest(p_ids) x where x is not null
          on conflict (project_id) do nothing;
        perform pg_notify('silta_overlaps', '');
      end $$;`);
    for (const [table, column] of SOURCES) {
      for (const [event, transition] of [['insert', 'new'], ['update', 'new'], ['delete', 'old']] as const) {
        const fn = `silta_overlap_${table}_${event}`;
        this.addSql(`create function ${fn}() returns trigger language plpgsql security definer
          set search_path = public, pg_temp as $$
          begin
            perform silta_overlap_queue(array(select ${column} from ${transition}_rows));
            return null;
          end $$;`);
        this.addSql(`create trigger ${fn} after ${event} on "${table}" referencing ${transition} table as ${transition}_rows
          for each statement execute function ${fn}();`);
      }
    }
    // An organisation's name or business ID is part of the evidence of its projects' findings.
    this.addSql(`create function silta_overlap_organisation_update() returns trigger language plpgsql security definer
      set search_path = public, pg_temp as $$
      begin
        perform silta_overlap_queue(array(select distinct p.project_id from participation p
          join new_rows n on n.id = p.organisation_id join old_rows o on o.id = n.id
          where n.name is distinct from o.name or n.business_id is distinct from o.business_id));
        return null;
      end $$;`);
    this.addSql(`create trigger silta_overlap_organisation_update after update on "organisation"
      referencing new table as new_rows old table as old_rows for each statement execute function silta_overlap_organisation_update();`);

    // The review status travels with the finding, whoever writes the review or the finding.
    this.addSql(`create function silta_overlap_review_status() returns trigger language plpgsql security definer
      set search_path = public, pg_temp as $$
      begin
        if tg_op = 'DELETE' then
          update overlap set review_status = null where project_a_id = old.project_a_id and project_b_id = old.project_b_id;
          return old;
        end if;
        update overlap set review_status = new.status where project_a_id = new.project_a_id and project_b_id = new.project_b_id;
        return new;
      end $$;`);
    this.addSql(`create trigger silta_overlap_review_status after insert or update or delete on "overlap_review"
      for each row execute function silta_overlap_review_status();`);
    this.addSql(`create function silta_overlap_finding_review() returns trigger language plpgsql security definer
      set search_path = public, pg_temp as $$
      begin
        new.review_status := (select status from overlap_review r where r.project_a_id = new.project_a_id and r.project_b_id = new.project_b_id);
        return new;
      end $$;`);
    this.addSql(`create trigger silta_overlap_finding_review before insert on "overlap"
      for each row execute function silta_overlap_finding_review();`);

    // Who may read findings and reviews (see the class comment); the serving role may not write findings.
    this.addSql(`create function silta_overlap_reviewer(p_a int, p_b int) returns boolean language sql stable as $$
      select coalesce(current_setting('silta.sees_all', true), '') = 'on'
        or exists (select 1 from project p where p.id in (p_a, p_b) and p.programme_id = any(silta_viewer_ids('silta.programmes'))) $$;`);
    this.addSql(`create function silta_sees_overlap(p_a int, p_b int, p_kind overlap_kind, p_review overlap_review_status) returns boolean
      language sql stable as $$
      select exists (select 1 from project p where p.id = p_a) and exists (select 1 from project p where p.id = p_b)
        and (silta_overlap_reviewer(p_a, p_b)
             or ((p_kind = 'SYNERGY' or p_review = 'SYNERGY') and (silta_participates(p_a) or silta_participates(p_b)))) $$;`);
    this.addSql(`alter table "overlap" enable row level security;`);
    this.addSql(`create policy "overlap_select" on "overlap" for select using (silta_sees_overlap(project_a_id, project_b_id, kind, review_status));`);
    this.addSql(`alter table "overlap_review" enable row level security;`);
    this.addSql(`create policy "overlap_review_select" on "overlap_review" for select using (
        (exists (select 1 from project p where p.id = project_a_id) and exists (select 1 from project p where p.id = project_b_id)
         and silta_overlap_reviewer(project_a_id, project_b_id)) or silta_writing());`);
    this.addSql(`create policy "overlap_review_insert" on "overlap_review" for insert with check (silta_writing());`);
    this.addSql(`create policy "overlap_review_update" on "overlap_review" for update using (silta_overlap_reviewer(project_a_id, project_b_id)) with check (silta_writing());`);
    this.addSql(`create policy "overlap_review_delete" on "overlap_review" for delete using (silta_overlap_reviewer(project_a_id, project_b_id) and silta_writing());`);
  }

  override async down(): Promise<void> {
    for (const [table] of SOURCES) {
      for (const event of ['insert', 'update', 'delete']) {
        this.addSql(`drop trigger if exists silta_overlap_${table}_${event} on "${table}";`);
        this.addSql(`drop function if exists silta_overlap_${table}_${event}();`);
      }
    }
    this.addSql(`drop trigger if exists silta_overlap_organisation_update on "organisation";`);
    this.addSql(`drop function if exists silta_overlap_organisation_update();`);
    this.addSql(`drop function if exists silta_overlap_queue(int[]);`);
    this.addSql(`drop table if exists "overlap_dirty";`);
    this.addSql(`drop table if exists "overlap_term";`);
    this.addSql(`drop table if exists "overlap_state";`);
    this.addSql(`drop table if exists "overlap_review" cascade;`);

    this.addSql(`drop table if exists "overlap" cascade;`);

    this.addSql(`drop function if exists silta_sees_overlap(int, int, overlap_kind, overlap_review_status);`);
    this.addSql(`drop function if exists silta_overlap_reviewer(int, int);`);
    this.addSql(`drop function if exists silta_overlap_review_status();`);
    this.addSql(`drop function if exists silta_overlap_finding_review();`);
    this.addSql(`drop type "overlap_review_status";`);
    this.addSql(`drop type "overlap_kind";`);
  }

}
