import { Migration } from '@mikro-orm/migrations';

/** Shards of the data version: a writing transaction bumps the one its transaction ID picks. */
const SHARDS = 16;

/**
 * Tables whose changes can change an answer to a public query: every table but the machinery that
 * anonymous queries never read (budgets, the overlap queue and corpus state, tokens, idempotency
 * records, webhooks and their deliveries) and the overlap findings, reviews and terms, which no
 * anonymous query can see and the overlap worker rewrites after every change.
 * `src/shared/response-cache/versioned-tables.ts` lists the exceptions; a test checks that every
 * table has the trigger or is one of them.
 */
const VERSIONED_TABLES = [
  'account', 'activity_event', 'activity_retention', 'audit_event', 'contact_person', 'external_id', 'funding_line',
  'membership', 'municipality', 'organisation', 'participation', 'post',
  'post_area', 'post_theme', 'postal_area', 'programme', 'programme_area', 'programme_ceiling', 'programme_coordinator',
  'programme_decision', 'programme_funder', 'programme_objective', 'project', 'project_location', 'project_target_group',
  'project_theme', 'reference_dataset', 'target_group', 'theme',
];

export class Migration20261130164702_response_cache_version extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "data_version" ("shard" smallint not null, "n" bigint not null default 0, constraint "data_version_pkey" primary key ("shard"));`);
    this.addSql(`insert into data_version (shard, n) select s, 0 from generate_series(0, ${SHARDS - 1}) s;`);
    // Security definer: the serving role reads the version but may not write it; its writes bump it
    // through this function, as the owner. Once per transaction is enough (the flag is transaction-
    // local, and undone with the update when a savepoint rolls back); the sum only ever grows.
    this.addSql(`
      create function silta_bump_data_version() returns trigger
      language plpgsql security definer set search_path = pg_catalog, public as $$
      begin
        if current_setting('silta.data_version_bumped', true) is distinct from 'on' then
          update public.data_version set n = n + 1 where shard = txid_current() % ${SHARDS};
          perform set_config('silta.data_version_bumped', 'on', true);
        end if;
        return null;
      end $$;`);
    for (const table of VERSIONED_TABLES) {
      this.addSql(`create trigger bump_data_version after insert or update or delete or truncate on "${table}" for each statement execute function silta_bump_data_version();`);
    }
  }

  override async down(): Promise<void> {
    for (const table of VERSIONED_TABLES) this.addSql(`drop trigger if exists bump_data_version on "${table}";`);
    this.addSql(`drop function if exists silta_bump_data_version();`);
    this.addSql(`drop table if exists "data_version" cascade;`);
  }

}
