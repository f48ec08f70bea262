import { Migration } from '@mikro-orm/migrations';

/**
 * The activity triggers of projects, participations and funding lines work per statement, over
 * transition tables, instead of per row (issue 11): an import inserts thousands of rows per
 * statement, and a row trigger ran a PL/pgSQL call, three context lookups, an insert and a NOTIFY
 * for each. The events are the same, in the same order (the order the statement changed its rows:
 * the transition table's, numbered before any join) with the same context, which is read at the
 * end of the statement as the row triggers read it. The themes', target groups' and locations'
 * triggers (per statement already) now append their events in one insert too. One trigger per
 * event, since PostgreSQL allows transition tables only on a trigger of one event.
 * `silta_activity_append` and the row-trigger functions stay, for down() and the posts' triggers.
 */
export class Migration20261201024000_activity_statement_triggers extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create type "silta_activity_item" as ("type" activity_type, "entity_type" text, "entity_id" text, "project_id" int,
      "project_status" project_status, "programme_id" int, "payload" jsonb);`);
    // Appends the events in the array's order, with each one's context as silta_activity_append reads it.
    this.addSql(`create function silta_activity_append_all(p_items silta_activity_item[]) returns void
      language plpgsql security definer set search_path = public, pg_temp as $$
      begin
        if coalesce(cardinality(p_items), 0) = 0 or coalesce(current_setting('silta.activity_log', true), '') = 'off' then return; end if;
        insert into activity_event (type, entity_type, entity_id, project_id, project_status, project_ids, organisation_ids,
                                    programme_ids, schemes, postal_codes, payload)
        select e.type, e.entity_type, e.entity_id, e.project_id, e.project_status,
               case when e.project_id is null then '{}' else array[e.project_id] end,
               coalesce((select array_agg(distinct x.organisation_id order by x.organisation_id) from participation x where x.project_id = e.project_id), '{}'),
               case when e.programme_id is null then '{}' else array[e.programme_id] end,
               coalesce((select array[g.scheme::text] from programme g where g.id = e.programme_id), '{}'),
               coalesce((select array_agg(l.postal_code::text order by l.postal_code) from project_location l where l.project_id = e.project_id), '{}'),
               e.payload
          from unnest(p_items) with ordinality as e(type, entity_type, entity_id, project_id, project_status, programme_id, payload, n)
         order by e.n;
        perform pg_notify('silta_activity', '');
      end $$;`);

    this.addSql(`drop trigger if exists silta_activity_project on "project";`);
    this.addSql(`create function silta_activity_project_insert() returns trigger language plpgsql security definer
      set search_path = public, pg_temp as $$
      begin
        perform silta_activity_append_all(array_agg(row('PROJECT_CREATED', 'Project', n.id::text, n.id, n.status, n.programme_id,
            jsonb_build_object('code', n.code, 'title', n.title, 'status', n.status))::silta_activity_item order by n.ord))
          from (select r.*, row_number() over () as ord from new_rows r) n;
        return null;
      end $$;`);
    this.addSql(`create function silta_activity_project_delete() returns trigger language plpgsql security definer
      set search_path = public, pg_temp as $$
      begin
        perform silta_activity_append_all(array_agg(row('PROJECT_DELETED', 'Project', o.id::text, o.id, o.status, o.programme_id,
            jsonb_build_object('code', o.code, 'title', o.title, 'status', o.status))::silta_activity_item order by o.ord))
          from (select r.*, row_number() over () as ord from old_rows r) o;
        return null;
      end $$;`);
    this.addSql(`create function silta_activity_project_update() returns trigger language plpgsql security definer
      set search_path = public, pg_temp as $$
      begin
        perform silta_activity_append_all(array_agg(c.item order by c.ord)) from (
          select n.ord, case
              when n.status is distinct from o.status then
                row('PROJECT_STATUS_CHANGED', 'Project', n.id::text, n.id, n.status, n.programme_id,
                    jsonb_build_object('code', n.code, 'title', n.title, 'from', o.status, 'to', n.status))::silta_activity_item
              when cardinality(f.changed) > 0 then
                row('PROJECT_UPDATED', 'Project', n.id::text, n.id, n.status, n.programme_id,
                    jsonb_build_object('code', n.code, 'title', n.title, 'fields', to_jsonb(f.changed)))::silta_activity_item
            end as item
            from (select r.*, row_number() over () as ord from new_rows r) n
            join old_rows o on o.id = n.id
            cross join lateral (select array_remove(array[
              case when n.code is distinct from o.code then 'code' end,
              case when n.title is distinct from o.title then 'title' end,
              case when n.summary is distinct from o.summary then 'summary' end,
              case when n.purpose is distinct from o.purpose then 'purpose' end,
              case when n.achievements is distinct from o.achievements then 'achievements' end,
              case when (n.planned_start, n.planned_end, n.actual_start, n.actual_end)
                        is distinct from (o.planned_start, o.planned_end, o.actual_start, o.actual_end) then 'period' end,
              case when n.programme_id is distinct from o.programme_id then 'programme' end,
              case when n.parent_id is distinct from o.parent_id then 'parent' end], null) as changed) f
          ) c
         where c.item is not null;
        return null;
      end $$;`);
    for (const event of ['insert', 'update', 'delete'] as const) {
      const tables = event === 'insert' ? 'new table as new_rows' : event === 'delete' ? 'old table as old_rows' : 'new table as new_rows old table as old_rows';
      this.addSql(`create trigger silta_activity_project_${event} after ${event} on "project" referencing ${tables}
        for each statement execute function silta_activity_project_${event}();`);
    }

    // A participation of a project being deleted gets no event: the project's own event says so.
    this.addSql(`drop trigger if exists silta_activity_participation on "participation";`);
    for (const [event, transition, type] of [['insert', 'new', 'PARTICIPANT_ADDED'], ['delete', 'old', 'PARTICIPANT_REMOVED']] as const) {
      this.addSql(`create function silta_activity_participation_${event}() returns trigger language plpgsql security definer
        set search_path = public, pg_temp as $$
        begin
          perform silta_activity_append_all(array_agg(row('${type}', 'Participation', x.id::text, p.id, p.status, p.programme_id,
              jsonb_build_object('code', p.code, 'title', p.title, 'organisation', o.name, 'businessId', o.business_id, 'role', x.role))::silta_activity_item
              order by x.ord))
            from (select r.*, row_number() over () as ord from ${transition}_rows r) x
            join project p on p.id = x.project_id
            left join organisation o on o.id = x.organisation_id;
          return null;
        end $$;`);
      this.addSql(`create trigger silta_activity_participation_${event} after ${event} on "participation" referencing ${transition} table as ${transition}_rows
        for each statement execute function silta_activity_participation_${event}();`);
    }

    this.addSql(`drop trigger if exists silta_activity_funding on "funding_line";`);
    this.addSql(`create function silta_activity_funding_insert() returns trigger language plpgsql security definer
      set search_path = public, pg_temp as $$
      begin
        perform silta_activity_append_all(array_agg(row('FUNDING_DECIDED', 'FundingLine', n.id::text, p.id, p.status, p.programme_id,
            jsonb_build_object('code', p.code, 'title', p.title, 'source', n.source, 'granted', n.granted::text,
                               'previous', null, 'decisionDate', n.decision_date))::silta_activity_item order by n.ord))
          from (select r.*, row_number() over () as ord from new_rows r) n
          left join project p on p.id = n.project_id
         where n.granted <> 0;
        return null;
      end $$;`);
    this.addSql(`create function silta_activity_funding_update() returns trigger language plpgsql security definer
      set search_path = public, pg_temp as $$
      begin
        perform silta_activity_append_all(array_agg(row('FUNDING_DECIDED', 'FundingLine', n.id::text, p.id, p.status, p.programme_id,
            jsonb_build_object('code', p.code, 'title', p.title, 'source', n.source, 'granted', n.granted::text,
                               'previous', o.granted::text, 'decisionDate', n.decision_date))::silta_activity_item order by n.ord))
          from (select r.*, row_number() over () as ord from new_rows r) n
          join old_rows o on o.id = n.id
          left join project p on p.id = n.project_id
         where n.granted <> 0 and (n.granted <> o.granted or n.decision_date is distinct from o.decision_date);
        return null;
      end $$;`);
    for (const event of ['insert', 'update'] as const) {
      const tables = event === 'insert' ? 'new table as new_rows' : 'new table as new_rows old table as old_rows';
      this.addSql(`create trigger silta_activity_funding_${event} after ${event} on "funding_line" referencing ${tables}
        for each statement execute function silta_activity_funding_${event}();`);
    }

    // Themes, target groups and locations: one event per project and statement, as before, in one insert.
    for (const [table, field] of [['project_theme', 'themes'], ['project_target_group', 'targetGroups'], ['project_location', 'locations']] as const) {
      for (const [event, transition] of [['insert', 'new'], ['delete', 'old']] as const) {
        this.addSql(`create or replace function silta_activity_${table}_${event}() returns trigger language plpgsql security definer
          set search_path = public, pg_temp as $$
          begin
            perform silta_activity_append_all(array_agg(row('PROJECT_UPDATED', 'Project', p.id::text, p.id, p.status, p.programme_id,
                jsonb_build_object('code', p.code, 'title', p.title, 'fields', jsonb_build_array('${field}')))::silta_activity_item order by p.id))
              from project p where p.id in (select project_id from ${transition}_rows);
            return null;
          end $$;`);
      }
    }
  }

  override async down(): Promise<void> {
    for (const [table, field] of [['project_theme', 'themes'], ['project_target_group', 'targetGroups'], ['project_location', 'locations']] as const) {
      for (const [event, transition] of [['insert', 'new'], ['delete', 'old']] as const) {
        this.addSql(`create or replace function silta_activity_${table}_${event}() returns trigger language plpgsql security definer
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
      }
    }
    for (const [table, events] of [['project', ['insert', 'update', 'delete']], ['participation', ['insert', 'delete']], ['funding_line', ['insert', 'update']]] as const) {
      const name = table === 'funding_line' ? 'funding' : table;
      for (const event of events) {
        this.addSql(`drop trigger if exists silta_activity_${name}_${event} on "${table}";`);
        this.addSql(`drop function if exists silta_activity_${name}_${event}();`);
      }
    }
    this.addSql(`create trigger silta_activity_project after insert or update or delete on "project" for each row execute function silta_activity_project();`);
    this.addSql(`create trigger silta_activity_participation after insert or delete on "participation" for each row execute function silta_activity_participation();`);
    this.addSql(`create trigger silta_activity_funding after insert or update on "funding_line" for each row execute function silta_activity_funding();`);
    this.addSql(`drop function if exists silta_activity_append_all(silta_activity_item[]);`);
    this.addSql(`drop type if exists "silta_activity_item";`);
  }

}
