import { Migration } from '@mikro-orm/migrations';

/** Tables whose rows belong to one project, and are visible exactly when that project is. */
const PROJECT_CHILDREN = ['participation', 'funding_line', 'project_theme', 'project_target_group', 'project_location'];

/**
 * The draft/rejected rule moves into PostgreSQL: row-level security on every table that holds a
 * project or part of one, so no query (present or future) can read around it. The viewer is set
 * per transaction with set_config(…, true) (src/shared/db/session.ts); a connection without it is
 * anonymous. Rows are written only inside a mutation's write window (silta.writing), which is open
 * while its changes are flushed together with their audit rows, so no write escapes the audit
 * trail. The owner (migrations, seeding) is not subject to these policies.
 */
export class Migration20261130114619_row_level_security extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "audit_event" add column "project_id" int null;`);
    this.addSql(`create index "audit_event_project_id_index" on "audit_event" ("project_id");`);

    // Existing events get their project; the append-only trigger is lifted for this one statement only.
    this.addSql(`alter table "audit_event" disable trigger "audit_event_no_update_delete";`);
    this.addSql(`update "audit_event" a set "project_id" = coalesce(
        case when a.entity_type = 'Project' then a.entity_id::int end,
        (select x.project_id from participation x where a.entity_type = 'Participation' and x.id::text = a.entity_id),
        (select x.project_id from funding_line x where a.entity_type = 'FundingLine' and x.id::text = a.entity_id),
        case when a.entity_type in ('Participation', 'FundingLine', 'ProjectTheme', 'ProjectTargetGroup', 'ProjectLocation')
          then coalesce(a.changes->'project'->>'after', a.changes->'project'->>'before')::int end);`);
    this.addSql(`alter table "audit_event" enable trigger "audit_event_no_update_delete";`);

    this.addSql(`create function silta_viewer_ids(setting text) returns int[] language sql stable parallel safe as $$
      select coalesce(nullif(current_setting(setting, true), ''), '{}')::int[] $$;`);
    this.addSql(`create function silta_writing() returns boolean language sql stable parallel safe as $$
      select coalesce(current_setting('silta.writing', true), '') = 'on' $$;`);
    // Runs as the owner, so that project's policy can look at participation without recursing into its policy.
    this.addSql(`create function silta_participates(p_project int) returns boolean language sql stable security definer
      set search_path = public, pg_temp as $$
      select exists (select 1 from participation where project_id = p_project
                     and organisation_id = any(silta_viewer_ids('silta.organisations'))) $$;`);
    // The rule itself, in one place (a SQL function simple enough for the planner to inline).
    this.addSql(`create function silta_sees_project(p_status project_status, p_programme int, p_id int) returns boolean
      language sql stable as $$
      select p_status not in ('DRAFT', 'REJECTED')
        or coalesce(current_setting('silta.sees_all', true), '') = 'on'
        or p_programme = any(silta_viewer_ids('silta.programmes'))
        or silta_participates(p_id) $$;`);

    // Project identifiers are unique in a canonical form (trimmed, NFC, case-folded) that the plain
    // unique constraints cannot see, so mutations check it first; hidden projects must count too.
    this.addSql(`create function silta_project_identifier_taken(p_column text, p_canonical text, p_exclude int) returns boolean
      language plpgsql stable security definer set search_path = public, pg_temp as $$
      declare taken boolean;
      begin
        if p_column not in ('code', 'eura_code', 'hyrra_number') then
          raise exception 'not a project identifier: %', p_column;
        end if;
        execute format('select exists (select 1 from project where lower(normalize(regexp_replace(btrim(%I), ''\\s+'', '' '', ''g''), NFC)) = $1 and id <> $2)', p_column)
          into taken using p_canonical, p_exclude;
        return taken;
      end $$;`);

    // Full-text and trigram operators are not leakproof, so under row-level security PostgreSQL may not
    // use their indexes (it would scan every project). Search finds its candidates here, by index and
    // under the same rule; the caller's query joins them to project, where the policy applies again.
    // The document must stay identical to PROJECT_SEARCH_DOCUMENT (src/modules/project/project.entity.ts)
    // and its index: test/integration/search.test.ts compares them.
    this.addSql(`create function silta_project_search_candidates(p_query tsquery, p_phrase text) returns setof int
      language plpgsql stable security definer set search_path = public, pg_temp as $$
      begin
        if p_query is null then
          return query select p.id from project p where p_phrase <% p.title and silta_sees_project(p.status, p.programme_id, p.id);
        else
          return query select p.id from project p
            where ((setweight(to_tsvector('finnish', "title"), 'A') || setweight(to_tsvector('finnish', coalesce("summary", '') || ' ' || coalesce("purpose", '')), 'B')) @@ p_query
                   or p_phrase <% p.title)
              and silta_sees_project(p.status, p.programme_id, p.id);
        end if;
      end $$;`);

    // Reading follows the rule; locking a row (select … for update) needs it too; writing also needs
    // the mutation's write window; a new row is readable inside the window (insert … returning).
    this.addSql(`alter table "project" enable row level security;`);
    this.addSql(`create policy "project_select" on "project" for select using (silta_sees_project(status, programme_id, id) or silta_writing());`);
    this.addSql(`create policy "project_insert" on "project" for insert with check (silta_writing());`);
    this.addSql(`create policy "project_update" on "project" for update using (silta_sees_project(status, programme_id, id)) with check (silta_writing());`);
    this.addSql(`create policy "project_delete" on "project" for delete using (silta_sees_project(status, programme_id, id) and silta_writing());`);

    for (const table of PROJECT_CHILDREN) {
      const visible = `exists (select 1 from project p where p.id = project_id)`;
      this.addSql(`alter table "${table}" enable row level security;`);
      this.addSql(`create policy "${table}_select" on "${table}" for select using (${visible} or silta_writing());`);
      this.addSql(`create policy "${table}_insert" on "${table}" for insert with check (silta_writing());`);
      this.addSql(`create policy "${table}_update" on "${table}" for update using (${visible}) with check (silta_writing());`);
      this.addSql(`create policy "${table}_delete" on "${table}" for delete using (${visible} and silta_writing());`);
    }

    this.addSql(`alter table "audit_event" enable row level security;`);
    this.addSql(`create policy "audit_event_select" on "audit_event" for select using (
        project_id is null or exists (select 1 from project p where p.id = project_id) or silta_writing());`);
    this.addSql(`create policy "audit_event_insert" on "audit_event" for insert with check (silta_writing());`);
  }

  override async down(): Promise<void> {
    for (const table of ['project', ...PROJECT_CHILDREN, 'audit_event']) {
      for (const command of ['select', 'insert', 'update', 'delete']) this.addSql(`drop policy if exists "${table}_${command}" on "${table}";`);
      this.addSql(`alter table "${table}" disable row level security;`);
    }
    this.addSql(`drop function silta_project_search_candidates(tsquery, text);`);
    this.addSql(`drop function silta_project_identifier_taken(text, text, int);`);
    this.addSql(`drop function silta_sees_project(project_status, int, int);`);
    this.addSql(`drop function silta_participates(int);`);
    this.addSql(`drop function silta_writing();`);
    this.addSql(`drop function silta_viewer_ids(text);`);
    this.addSql(`drop index "audit_event_project_id_index";`);
    this.addSql(`alter table "audit_event" drop column "project_id";`);
  }

}
