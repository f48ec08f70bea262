import { Migration } from '@mikro-orm/migrations';

/**
 * Search documents become stored generated columns. With only expression indexes, every hit was stemmed
 * again twice: once to recheck the trigram half of the `@@ … or <%` condition (trigram indexes are lossy)
 * and once for `ts_rank`. For a common word over 20 000 projects that was 0.4 s of a 0.4 s search.
 */
export class Migration20261130232713_stored_search_documents extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "organisation" add column "search_document" tsvector generated always as (setweight(to_tsvector('finnish', "name"), 'A'::"char") || setweight(to_tsvector('finnish', coalesce("description", '')), 'B'::"char")) stored null;`);
    this.addSql(`alter table "programme" add column "search_document" tsvector generated always as (setweight(to_tsvector('finnish', "name"), 'A'::"char") || setweight(to_tsvector('finnish', coalesce("description", '')), 'B'::"char")) stored null;`);
    this.addSql(`alter table "project" add column "search_document" tsvector generated always as (setweight(to_tsvector('finnish', "title"), 'A'::"char") || setweight(to_tsvector('finnish', coalesce("summary", '') || ' ' || coalesce("purpose", '')), 'B'::"char")) stored null;`);

    for (const table of ['organisation', 'programme', 'project']) {
      this.addSql(`drop index "${table}_search_idx";`);
      this.addSql(`create index "${table}_search_idx" on "${table}" using gin ("search_document");`);
    }

    // The candidates of a project search (row-level security keeps the index to this function; see the
    // row_level_security migration), now matched on the stored document.
    this.addSql(`create or replace function silta_project_search_candidates(p_query tsquery, p_phrase text) returns setof int
      language plpgsql stable security definer set search_path = public, pg_temp as $$
      begin
        if p_query is null then
          return query select p.id from project p where p_phrase <% p.title and silta_sees_project(p.status, p.programme_id, p.id);
        else
          return query select p.id from project p
            where (p.search_document @@ p_query or p_phrase <% p.title)
              and silta_sees_project(p.status, p.programme_id, p.id);
        end if;
      end $$;`);
  }

  override async down(): Promise<void> {
    this.addSql(`create or replace function silta_project_search_candidates(p_query tsquery, p_phrase text) returns setof int
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
    this.addSql(`drop index "organisation_search_idx";`);
    this.addSql(`create index "organisation_search_idx" on "organisation" using gin ((setweight(to_tsvector('finnish', "name"), 'A') || setweight(to_tsvector('finnish', coalesce("description", '')), 'B')));`);
    this.addSql(`drop index "programme_search_idx";`);
    this.addSql(`create index "programme_search_idx" on "programme" using gin ((setweight(to_tsvector('finnish', "name"), 'A') || setweight(to_tsvector('finnish', coalesce("description", '')), 'B')));`);
    this.addSql(`drop index "project_search_idx";`);
    this.addSql(`create index "project_search_idx" on "project" using gin ((setweight(to_tsvector('finnish', "title"), 'A') || setweight(to_tsvector('finnish', coalesce("summary", '') || ' ' || coalesce("purpose", '')), 'B')));`);
    this.addSql(`alter table "organisation" drop column "search_document";`);
    this.addSql(`alter table "programme" drop column "search_document";`);
    this.addSql(`alter table "project" drop column "search_document";`);
  }

}
