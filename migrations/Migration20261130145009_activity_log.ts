import { Migration } from '@mikro-orm/migrations';

/**
 * The activity log (issue 9): every committed change others may care about appends an event, in
 * the transaction of the change and whoever makes it, by the triggers below (security definer:
 * the serving role may only read the log). An event's place is (xid, id); readers stay below
 * pg_snapshot_xmin, so a transaction that commits late can never put an event behind a reader's
 * cursor. `set_config('silta.activity_log', 'off', true)` silences the triggers for one
 * transaction: the generator's bulk load and the overlap engine's first computation use it.
 * Visibility (row-level security) follows what the event is about: the project, the overlap
 * finding, or (later) the post.
 */
export class Migration20261130145009_activity_log extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create type "activity_type" as enum ('PROJECT_CREATED', 'PROJECT_UPDATED', 'PROJECT_STATUS_CHANGED', 'PROJECT_DELETED', 'PARTICIPANT_ADDED', 'PARTICIPANT_REMOVED', 'FUNDING_DECIDED', 'OVERLAP_FOUND', 'OVERLAP_REVIEWED', 'POST_PUBLISHED', 'POST_UPDATED', 'POST_WITHDRAWN');`);
    this.addSql(`create table "activity_event" ("id" bigserial primary key, "xid" xid8 not null default pg_current_xact_id(), "occurred_at" timestamptz not null default clock_timestamp(), "type" "activity_type" not null, "entity_type" varchar(40) not null, "entity_id" varchar(60) not null, "project_id" int null, "project_status" "project_status" null, "overlap_a" int null, "overlap_b" int null, "post_id" int null, "project_ids" int[] not null default '{}', "organisation_ids" int[] not null default '{}', "programme_ids" int[] not null default '{}', "schemes" text[] not null default '{}', "postal_codes" text[] not null default '{}', "cross_divide" boolean not null default false, "payload" jsonb not null);`);
    this.addSql(`create index "activity_event_project_id_index" on "activity_event" ("project_id");`);
    this.addSql(`create index "activity_event_position_idx" on "activity_event" ("xid", "id");`);

    // Context of a project for filters: programme and scheme, postal codes, organisations.
    this.addSql(`create function silta_activity_append(p_type activity_type, p_entity_type text, p_entity_id text, p_project int,
        p_status project_status, p_programme int, p_payload jsonb) returns void
      language plpgsql security definer set search_path = public, pg_temp as $$
      begin
        if coalesce(current_setting('silta.activity_log', true), '') = 'off' then return; end if;
        insert into activity_event (type, entity_type, entity_id, project_id, project_status, project_ids, organisation_ids,
                                    programme_ids, schemes, postal_codes, payload)
        select p_type, p_entity_type, p_entity_id, p_project, p_status,
               case when p_project is null then '{}' else array[p_project] end,
               coalesce((select array_agg(distinct organisation_id order by organisation_id) from participation where project_id = p_project), '{}'),
               case when p_programme is null then '{}' else array[p_programme] end,
               coalesce((select array[scheme::text] from programme where id = p_programme), '{}'),
               coalesce((select array_agg(postal_code::text order by postal_code) from project_location where project_id = p_project), '{}'),
               p_payload;
        perform pg_notify('silta_activity', '');
      end $$;`);

    this.addSql(`create function silta_activity_project() returns trigger language plpgsql security definer
      set search_path = public, pg_temp as $$
      declare changed text[];
      begin
        if tg_op = 'INSERT' then
          perform silta_activity_append('PROJECT_CREATED', 'Project', new.id::text, new.id, new.status, new.programme_id,
            jsonb_build_object('code', new.code, 'title', new.title, 'status', new.status));
        elsif tg_op = 'DELETE' then
          perform silta_activity_append('PROJECT_DELETED', 'Project', old.id::text, old.id, old.status, old.programme_id,
            jsonb_build_object('code', old.code, 'title', old.title, 'status', old.status));
        elsif new.status is distinct from old.status then
          perform silta_activity_append('PROJECT_STATUS_CHANGED', 'Project', new.id::text, new.id, new.status, new.programme_id,
            jsonb_build_object('code', new.code, 'title', new.title, 'from', old.status, 'to', new.status));
        else
          changed := array_remove(array[
            case when new.code is distinct from old.code then 'code' end,
            case when new.title is distinct from old.title then 'title' end,
            case when new.summary is distinct from old.summary then 'summary' end,
            case when new.purpose is distinct from old.purpose then 'purpose' end,
            case when new.achievements is distinct from old.achievements then 'achievements' end,
            case when (new.planned_start, new.planned_end, new.actual_start, new.actual_end)
                      is distinct from (old.planned_start, old.planned_end, old.actual_start, old.actual_end) then 'period' end,
            case when new.programme_id is distinct from old.programme_id then 'programme' end,
            case when new.parent_id is distinct from old.parent_id then 'parent' end], null);
          if cardinality(changed) > 0 then
            perform silta_activity_append('PROJECT_UPDATED', 'Project', new.id::text, new.id, new.status, new.programme_id,
              jsonb_build_object('code', new.code, 'title', new.title, 'fields', to_jsonb(changed)));
          end if;
        end if;
        return null;
      end $$;`);
    this.addSql(`create trigger silta_activity_project after insert or update or delete on "project"
      for each row execute function silta_activity_project();`);

    // Themes, target groups and locations are replaced as sets: one event per project and statement.
    for (const [table, field] of [['project_theme', 'themes'], ['project_target_group', 'targetGroups'], ['project_location', 'locations']] as const) {
      for (const [event, transition] of [['insert', 'new'], ['delete', 'old']] as const) {
        const fn = `silta_activity_${table}_${event}`;
        this.addSql(`create function ${fn}() returns trigger language plpgsql security definer
          set search_path = public, pg_temp as $$
          declare r record;
          begin
            for r in select p.id, p.code, p.title, p.status, p.programme_id from project p
                     where p.id in (select distinct project_id from ${transition}_rows) order by p.id loop
              perform silta_activity_append('PROJECT_UPDATED', 'Project', r.id::text, r.id, r.status, r.programme_id,
                jsonb_build_object('code', r.code, 'title', r.title, 'fields', jsonb_build_array('${field}')));
            end loop;
            return null;
          end $$;`);
        this.addSql(`create trigger ${fn} after ${event} on "${table}" referencing ${transition} table as ${transition}_rows
          for each statement execute function ${fn}();`);
      }
    }

    this.addSql(`create function silta_activity_participation() returns trigger language plpgsql security definer
      set search_path = public, pg_temp as $$
      declare x participation; p project; o organisation;
      begin
        x := case when tg_op = 'DELETE' then old else new end;
        select * into p from project where id = x.project_id;
        if p.id is null then return null; end if; -- the project itself is being deleted: its own event says so
        select * into o from organisation where id = x.organisation_id;
        perform silta_activity_append(case when tg_op = 'DELETE' then 'PARTICIPANT_REMOVED' else 'PARTICIPANT_ADDED' end::activity_type,
          'Participation', x.id::text, p.id, p.status, p.programme_id,
          jsonb_build_object('code', p.code, 'title', p.title, 'organisation', o.name, 'businessId', o.business_id, 'role', x.role));
        return null;
      end $$;`);
    this.addSql(`create trigger silta_activity_participation after insert or delete on "participation"
      for each row execute function silta_activity_participation();`);

    this.addSql(`create function silta_activity_funding() returns trigger language plpgsql security definer
      set search_path = public, pg_temp as $$
      declare p project;
      begin
        if new.granted = 0 or (tg_op = 'UPDATE' and new.granted = old.granted and new.decision_date is not distinct from old.decision_date) then
          return null;
        end if;
        select * into p from project where id = new.project_id;
        perform silta_activity_append('FUNDING_DECIDED', 'FundingLine', new.id::text, p.id, p.status, p.programme_id,
          jsonb_build_object('code', p.code, 'title', p.title, 'source', new.source, 'granted', new.granted::text,
                             'previous', case when tg_op = 'UPDATE' then old.granted::text end, 'decisionDate', new.decision_date));
        return null;
      end $$;`);
    this.addSql(`create trigger silta_activity_funding after insert or update on "funding_line"
      for each row execute function silta_activity_funding();`);

    // Overlaps: both projects' context; visibility follows the finding (its own row-level security).
    this.addSql(`create function silta_activity_overlap_event(p_type activity_type, p_entity_type text, p_entity_id text, p_a int, p_b int, p_payload jsonb)
      returns void language plpgsql security definer set search_path = public, pg_temp as $$
      begin
        if coalesce(current_setting('silta.activity_log', true), '') = 'off' then return; end if;
        insert into activity_event (type, entity_type, entity_id, overlap_a, overlap_b, project_ids, organisation_ids, programme_ids,
                                    schemes, postal_codes, cross_divide, payload)
        select p_type, p_entity_type, p_entity_id, p_a, p_b, array[p_a, p_b],
               coalesce((select array_agg(distinct organisation_id order by organisation_id) from participation where project_id in (p_a, p_b)), '{}'),
               (select array_agg(distinct programme_id order by programme_id) from project where id in (p_a, p_b)),
               (select array_agg(distinct g.scheme::text order by g.scheme::text) from project p join programme g on g.id = p.programme_id where p.id in (p_a, p_b)),
               coalesce((select array_agg(distinct postal_code::text order by postal_code::text) from project_location where project_id in (p_a, p_b)), '{}'),
               (select count(distinct g.scheme) filter (where g.scheme in ('KAKE', 'LEADER')) = 2 from project p join programme g on g.id = p.programme_id where p.id in (p_a, p_b)),
               p_payload || jsonb_build_object('codes', (select jsonb_agg(code order by id) from project where id in (p_a, p_b)));
        perform pg_notify('silta_activity', '');
      end $$;`);
    this.addSql(`create function silta_activity_overlap() returns trigger language plpgsql security definer
      set search_path = public, pg_temp as $$
      begin
        if tg_op = 'UPDATE' and new.kind = old.kind then return null; end if;
        perform silta_activity_overlap_event('OVERLAP_FOUND', 'Overlap', new.id::text, new.project_a_id, new.project_b_id,
          jsonb_build_object('kind', new.kind, 'score', new.score, 'previousKind', case when tg_op = 'UPDATE' then old.kind end));
        return null;
      end $$;`);
    this.addSql(`create trigger silta_activity_overlap after insert or update of kind on "overlap"
      for each row execute function silta_activity_overlap();`);
    this.addSql(`create function silta_activity_overlap_review() returns trigger language plpgsql security definer
      set search_path = public, pg_temp as $$
      begin
        if tg_op = 'UPDATE' and new.status = old.status then return null; end if;
        perform silta_activity_overlap_event('OVERLAP_REVIEWED', 'OverlapReview', new.id::text, new.project_a_id, new.project_b_id,
          jsonb_build_object('status', new.status, 'previousStatus', case when tg_op = 'UPDATE' then old.status end));
        return null;
      end $$;`);
    this.addSql(`create trigger silta_activity_overlap_review after insert or update on "overlap_review"
      for each row execute function silta_activity_overlap_review();`);

    // Who reads an event: as who reads what it is about, decided when it is read (a subscriber's current rights).
    this.addSql(`alter table "activity_event" enable row level security;`);
    this.addSql(`create policy "activity_event_select" on "activity_event" for select using (
      case
        when overlap_a is not null then exists (select 1 from overlap o where o.project_a_id = overlap_a and o.project_b_id = overlap_b)
        when post_id is not null then false
        when type = 'PROJECT_DELETED' then silta_sees_project(project_status, programme_ids[1], project_id)
        when project_id is not null then exists (select 1 from project p where p.id = project_id)
        else true
      end);`);
  }

  override async down(): Promise<void> {
    for (const table of ['project_theme', 'project_target_group', 'project_location']) {
      for (const event of ['insert', 'delete']) {
        this.addSql(`drop trigger if exists silta_activity_${table}_${event} on "${table}";`);
        this.addSql(`drop function if exists silta_activity_${table}_${event}();`);
      }
    }
    for (const [trigger, table] of [['silta_activity_project', 'project'], ['silta_activity_participation', 'participation'], ['silta_activity_funding', 'funding_line'], ['silta_activity_overlap', 'overlap'], ['silta_activity_overlap_review', 'overlap_review']]) {
      this.addSql(`drop trigger if exists ${trigger} on "${table}";`);
    }
    for (const fn of ['silta_activity_project()', 'silta_activity_participation()', 'silta_activity_funding()', 'silta_activity_overlap()', 'silta_activity_overlap_review()',
      'silta_activity_overlap_event(activity_type, text, text, int, int, jsonb)', 'silta_activity_append(activity_type, text, text, int, project_status, int, jsonb)']) {
      this.addSql(`drop function if exists ${fn};`);
    }
    this.addSql(`drop table if exists "activity_event" cascade;`);

    this.addSql(`drop type "activity_type";`);
  }

}
