import { Migration } from '@mikro-orm/migrations';

/** Tables whose rows belong to one post, and are visible exactly when that post is. */
const POST_CHILDREN = ['post_theme', 'post_area'];

/** The activity_event select policy of the migration `activity_log`, with the post branch given. */
function activityPolicy(postBranch: string): string {
  return `create policy "activity_event_select" on "activity_event" for select using (
      case
        when overlap_a is not null then exists (select 1 from overlap o where o.project_a_id = overlap_a and o.project_b_id = overlap_b)
        when post_id is not null then ${postBranch}
        when type = 'PROJECT_DELETED' then silta_sees_project(project_status, programme_ids[1], project_id)
        when project_id is not null then exists (select 1 from project p where p.id = project_id)
        else true
      end);`;
}

/**
 * Posts (issue 9): news, events, partner searches (kumppanihaku), results and funding calls. Who
 * reads a post is row-level security, like projects: `silta_post_readable` is the rule on a row's
 * columns, `silta_sees_post(id)` asks it for a post by key (the activity log's post events use it).
 * A post never shows a project the viewer may not see. Post, theme and area rows are written only in
 * a mutation's write window. Activity: deferred triggers append POST_PUBLISHED, POST_UPDATED and
 * POST_WITHDRAWN at commit, when the post's themes and areas are final, one update event per post
 * and transaction (later changes in the same transaction are merged into its `fields`).
 */
export class Migration20261130145418_posts extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create type "post_kind" as enum ('NEWS', 'EVENT', 'PARTNER_SEARCH', 'RESULT', 'CALL');`);
    this.addSql(`create type "post_visibility" as enum ('PUBLIC', 'PARTNERS', 'COORDINATORS');`);
    this.addSql(`create type "post_status" as enum ('PUBLISHED', 'WITHDRAWN');`);
    this.addSql(`create table "post" ("id" serial primary key, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "organisation_id" int not null, "project_id" int null, "programme_id" int null, "kind" "post_kind" not null, "visibility" "post_visibility" not null, "status" "post_status" not null default 'PUBLISHED', "title" varchar(300) not null, "body" text not null, "starts_at" timestamptz null, "ends_at" timestamptz null, "place" varchar(300) null, "postal_code" char(5) null, "partner_sought" text null, "role_wanted" "participation_role" null, "opens_on" date null, "closes_on" date null, "eligible_applicants" text null, "outcomes" text null, "links" text[] not null default '{}', "withdrawn_at" timestamptz null, "version" int not null default 1, constraint post_call_period_order check (closes_on is null or opens_on is null or closes_on >= opens_on), constraint post_event_period_order check (ends_at is null or starts_at is null or ends_at >= starts_at), constraint post_title_not_blank check (btrim(title) <> ''));`);
    this.addSql(`create index "post_organisation_id_index" on "post" ("organisation_id");`);
    this.addSql(`create index "post_project_id_index" on "post" ("project_id");`);
    this.addSql(`create index "post_programme_id_index" on "post" ("programme_id");`);
    this.addSql(`create index "post_postal_code_index" on "post" ("postal_code");`);
    this.addSql(`create index "post_status_kind_idx" on "post" ("status", "kind");`);

    this.addSql(`create table "post_area" ("post_id" int not null, "postal_code" char(5) not null, constraint "post_area_pkey" primary key ("post_id", "postal_code"));`);
    this.addSql(`create index "post_area_postal_code_index" on "post_area" ("postal_code");`);

    this.addSql(`create table "post_theme" ("post_id" int not null, "theme_id" int not null, constraint "post_theme_pkey" primary key ("post_id", "theme_id"));`);
    this.addSql(`create index "post_theme_theme_id_index" on "post_theme" ("theme_id");`);

    this.addSql(`alter table "post" add constraint "post_organisation_id_foreign" foreign key ("organisation_id") references "organisation" ("id") on update cascade on delete restrict;`);
    this.addSql(`alter table "post" add constraint "post_project_id_foreign" foreign key ("project_id") references "project" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "post" add constraint "post_programme_id_foreign" foreign key ("programme_id") references "programme" ("id") on update cascade on delete restrict;`);
    this.addSql(`alter table "post" add constraint "post_postal_code_foreign" foreign key ("postal_code") references "postal_area" ("postal_code") on update cascade on delete restrict;`);

    this.addSql(`alter table "post_area" add constraint "post_area_post_id_foreign" foreign key ("post_id") references "post" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "post_area" add constraint "post_area_postal_code_foreign" foreign key ("postal_code") references "postal_area" ("postal_code") on update cascade on delete restrict;`);

    this.addSql(`alter table "post_theme" add constraint "post_theme_post_id_foreign" foreign key ("post_id") references "post" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "post_theme" add constraint "post_theme_theme_id_foreign" foreign key ("theme_id") references "theme" ("id") on update cascade on delete restrict;`);

    // The rule, in one place: the authoring organisation's members and analysts/admins always; others
    // by visibility (PARTNERS: a verified membership or a coordinator; COORDINATORS: a coordinator);
    // and never past the project it is about (row-level security on project decides that).
    this.addSql(`create function silta_post_readable(p_visibility post_visibility, p_organisation int, p_project int) returns boolean
      language sql stable as $$
      select (p_project is null or exists (select 1 from project p where p.id = p_project))
        and (p_organisation = any(silta_viewer_ids('silta.organisations'))
             or coalesce(current_setting('silta.sees_all', true), '') = 'on'
             or case p_visibility
                  when 'PUBLIC' then true
                  when 'PARTNERS' then cardinality(silta_viewer_ids('silta.verified_organisations')) > 0
                                       or cardinality(silta_viewer_ids('silta.programmes')) > 0
                  else cardinality(silta_viewer_ids('silta.programmes')) > 0
                end) $$;`);
    this.addSql(`create function silta_sees_post(p_post int) returns boolean language sql stable as $$
      select exists (select 1 from post where id = p_post) $$;`);

    this.addSql(`alter table "post" enable row level security;`);
    this.addSql(`create policy "post_select" on "post" for select using (silta_post_readable(visibility, organisation_id, project_id) or silta_writing());`);
    this.addSql(`create policy "post_insert" on "post" for insert with check (silta_writing());`);
    this.addSql(`create policy "post_update" on "post" for update using (silta_post_readable(visibility, organisation_id, project_id)) with check (silta_writing());`);
    this.addSql(`create policy "post_delete" on "post" for delete using (silta_post_readable(visibility, organisation_id, project_id) and silta_writing());`);
    for (const table of POST_CHILDREN) {
      const visible = `exists (select 1 from post p where p.id = post_id)`;
      this.addSql(`alter table "${table}" enable row level security;`);
      this.addSql(`create policy "${table}_select" on "${table}" for select using (${visible} or silta_writing());`);
      this.addSql(`create policy "${table}_insert" on "${table}" for insert with check (silta_writing());`);
      this.addSql(`create policy "${table}_update" on "${table}" for update using (${visible}) with check (silta_writing());`);
      this.addSql(`create policy "${table}_delete" on "${table}" for delete using (${visible} and silta_writing());`);
    }

    // One post event, with the context filters need: the project and programme (and their schemes),
    // the author and the project's organisations, and the postal codes of the event, the areas and the project.
    // A post about neither takes the schemes of the programmes its author takes part in (public projects only).
    this.addSql(`create function silta_activity_post_event(p_type activity_type, p_post int, p_fields text[]) returns void
      language plpgsql security definer set search_path = public, pg_temp as $$
      declare p post; programmes int[]; schemes text[];
      begin
        if coalesce(current_setting('silta.activity_log', true), '') = 'off' then return; end if;
        select * into p from post where id = p_post;
        if p.id is null then return; end if;
        if p_type = 'POST_UPDATED' then
          if p.status <> 'PUBLISHED' or exists (select 1 from activity_event where post_id = p_post and xid = pg_current_xact_id()
                                                  and type in ('POST_PUBLISHED', 'POST_WITHDRAWN')) then
            return;
          end if;
          update activity_event e set payload = jsonb_set(e.payload, '{fields}', to_jsonb(array(
              select distinct f from unnest(array(select jsonb_array_elements_text(e.payload->'fields')) || p_fields) f order by f)))
            where e.post_id = p_post and e.xid = pg_current_xact_id() and e.type = 'POST_UPDATED';
          if found or cardinality(p_fields) = 0 then return; end if;
        end if;
        programmes := array(select distinct x from unnest(array[p.programme_id, (select programme_id from project where id = p.project_id)]) x
                            where x is not null order by x);
        if cardinality(programmes) > 0 then
          schemes := array(select distinct scheme::text from programme where id = any(programmes) order by 1);
        else
          schemes := array(select distinct g.scheme::text from participation x join project j on j.id = x.project_id
                             join programme g on g.id = j.programme_id
                            where x.organisation_id = p.organisation_id and j.status not in ('DRAFT', 'REJECTED') order by 1);
        end if;
        insert into activity_event (type, entity_type, entity_id, post_id, project_ids, organisation_ids, programme_ids, schemes,
                                    postal_codes, cross_divide, payload)
        values (p_type, 'Post', p.id::text, p.id,
                case when p.project_id is null then '{}' else array[p.project_id] end,
                array(select distinct o from unnest(array[p.organisation_id]
                        || array(select organisation_id from participation where project_id = p.project_id)) o order by o),
                programmes, schemes,
                array(select distinct c from unnest(array[p.postal_code::text]
                        || array(select postal_code::text from post_area where post_id = p.id)
                        || array(select postal_code::text from project_location where project_id = p.project_id)) c
                      where c is not null order by c),
                schemes @> array['KAKE', 'LEADER'],
                jsonb_build_object('kind', p.kind, 'title', p.title, 'visibility', p.visibility, 'status', p.status,
                                   'organisation', (select name from organisation where id = p.organisation_id))
                  || case when p_type = 'POST_UPDATED' then jsonb_build_object('fields', to_jsonb(p_fields)) else '{}'::jsonb end);
        perform pg_notify('silta_activity', '');
      end $$;`);

    // Deferred to the commit, so that a new post's themes and areas (written after the post) are there.
    this.addSql(`create function silta_activity_post() returns trigger language plpgsql security definer
      set search_path = public, pg_temp as $$
      declare changed text[];
      begin
        if tg_op = 'INSERT' then
          if new.status = 'PUBLISHED' then perform silta_activity_post_event('POST_PUBLISHED', new.id, '{}'); end if;
        elsif new.status = 'WITHDRAWN' and old.status is distinct from 'WITHDRAWN' then
          perform silta_activity_post_event('POST_WITHDRAWN', new.id, '{}');
        else
          changed := array_remove(array[
            case when new.title is distinct from old.title then 'title' end,
            case when new.body is distinct from old.body then 'body' end,
            case when new.visibility is distinct from old.visibility then 'visibility' end,
            case when (new.project_id, new.programme_id) is distinct from (old.project_id, old.programme_id) then 'about' end,
            case when (new.starts_at, new.ends_at) is distinct from (old.starts_at, old.ends_at) then 'period' end,
            case when (new.place, new.postal_code) is distinct from (old.place, old.postal_code) then 'place' end,
            case when (new.partner_sought, new.role_wanted) is distinct from (old.partner_sought, old.role_wanted) then 'partnerSought' end,
            case when (new.opens_on, new.closes_on) is distinct from (old.opens_on, old.closes_on) then 'dates' end,
            case when new.eligible_applicants is distinct from old.eligible_applicants then 'eligibleApplicants' end,
            case when (new.outcomes, new.links) is distinct from (old.outcomes, old.links) then 'outcomes' end], null);
          perform silta_activity_post_event('POST_UPDATED', new.id, changed);
        end if;
        return null;
      end $$;`);
    this.addSql(`create constraint trigger silta_activity_post after insert or update on "post"
      deferrable initially deferred for each row execute function silta_activity_post();`);
    for (const [table, field] of [['post_theme', 'themes'], ['post_area', 'areas']] as const) {
      this.addSql(`create function silta_activity_${table}() returns trigger language plpgsql security definer
        set search_path = public, pg_temp as $$
        begin
          perform silta_activity_post_event('POST_UPDATED', case when tg_op = 'DELETE' then old.post_id else new.post_id end, array['${field}']);
          return null;
        end $$;`);
      this.addSql(`create constraint trigger silta_activity_${table} after insert or delete on "${table}"
        deferrable initially deferred for each row execute function silta_activity_${table}();`);
    }

    // The activity log's post events now follow the post (the migration activity_log hid them all).
    this.addSql(`drop policy "activity_event_select" on "activity_event";`);
    this.addSql(activityPolicy('silta_sees_post(post_id)'));
  }

  override async down(): Promise<void> {
    this.addSql(`drop policy "activity_event_select" on "activity_event";`);
    this.addSql(activityPolicy('false'));
    for (const table of ['post', ...POST_CHILDREN]) this.addSql(`drop trigger if exists silta_activity_${table} on "${table}";`);
    for (const fn of ['silta_activity_post()', 'silta_activity_post_theme()', 'silta_activity_post_area()', 'silta_activity_post_event(activity_type, int, text[])']) {
      this.addSql(`drop function if exists ${fn};`);
    }
    for (const table of ['post', ...POST_CHILDREN]) {
      for (const command of ['select', 'insert', 'update', 'delete']) this.addSql(`drop policy if exists "${table}_${command}" on "${table}";`);
    }
    this.addSql(`drop function if exists silta_sees_post(int);`);
    this.addSql(`drop function if exists silta_post_readable(post_visibility, int, int);`);
    this.addSql(`alter table "post_area" drop constraint "post_area_post_id_foreign";`);

    this.addSql(`alter table "post_theme" drop constraint "post_theme_post_id_foreign";`);

    this.addSql(`drop table if exists "post" cascade;`);

    this.addSql(`drop table if exists "post_area" cascade;`);

    this.addSql(`drop table if exists "post_theme" cascade;`);

    this.addSql(`drop type "post_kind";`);
    this.addSql(`drop type "post_visibility";`);
    this.addSql(`drop type "post_status";`);
  }

}
