import { Migration } from '@mikro-orm/migrations';

/**
 * Per-client cost budgets shared by every Silta instance (issue 9: N instances must not grant N
 * budgets). A leaky bucket per client key: the level at a time, drained since at the configured rate.
 *
 * Each operation is one call of a security-definer function, one statement on its own connection
 * (outside the request's transaction, so a rolled-back request keeps its charge): the upsert computes
 * the drained level from the stored time and refuses in its `where` when the cost would overflow, under
 * the row lock of `on conflict`, so concurrent takes on any instance never exceed the capacity. The
 * serving role may call silta_budget_take/adjust/peek/prune but has no privilege on the table: it cannot
 * list which accounts or IP addresses are active, nor set a bucket's level or time. The clock is the
 * database's (one clock for all instances); the `_at` variants take an explicit time for tests and are
 * executable by the owner only.
 */
export class Migration20261130145412_rate_buckets extends Migration {

  override async up(): Promise<void> {
    // Unlogged: a charge writes no WAL and its commit waits for no disk flush (0.4 ms instead of 2 to 5 ms
    // per take and settle here). A crash empties the table, which only refills every client's budget once.
    this.addSql(`create unlogged table "rate_bucket" ("key" text not null, "level" double precision not null, "at" timestamptz not null, constraint "rate_bucket_pkey" primary key ("key"));`);

    // A clock that went back (another connection's statement started earlier) drains nothing.
    this.addSql(`create function silta_budget_drained(p_level double precision, p_at timestamptz, p_now timestamptz, p_rate double precision)
      returns double precision language sql immutable as $$
        select greatest(0, p_level - greatest(0, extract(epoch from p_now - p_at)::double precision) * p_rate)
      $$;`);

    this.addSql(`create function silta_budget_take_at(p_key text, p_cost double precision, p_capacity double precision, p_rate double precision,
        p_now timestamptz, out ok boolean, out bucket_level double precision, out bucket_at timestamptz)
      language plpgsql security definer set search_path = public, pg_temp as $$
      begin
        if p_cost < 0 or p_capacity <= 0 or p_rate <= 0 then raise exception 'silta_budget_take: cost must be >= 0, capacity and rate > 0'; end if;
        insert into rate_bucket as b (key, level, at)
          select p_key, p_cost, p_now where p_cost <= p_capacity
        on conflict (key) do update
          set level = silta_budget_drained(b.level, b.at, p_now, p_rate) + p_cost, at = greatest(b.at, p_now)
          where silta_budget_drained(b.level, b.at, p_now, p_rate) + p_cost <= p_capacity
        returning true, b.level, b.at into ok, bucket_level, bucket_at;
        if found then return; end if;
        -- Refused: the row is still locked by the upsert, so this reads the level it refused against.
        ok := false;
        select silta_budget_drained(b.level, b.at, p_now, p_rate), greatest(b.at, p_now) into bucket_level, bucket_at
          from rate_bucket b where b.key = p_key;
        if not found then bucket_level := 0; bucket_at := p_now; end if;
      end $$;`);

    // Settles on the actual cost: a negative delta gives points back; never below empty or past full.
    this.addSql(`create function silta_budget_adjust_at(p_key text, p_delta double precision, p_capacity double precision, p_rate double precision,
        p_now timestamptz, out bucket_level double precision, out bucket_at timestamptz)
      language plpgsql security definer set search_path = public, pg_temp as $$
      begin
        if p_capacity <= 0 or p_rate <= 0 then raise exception 'silta_budget_adjust: capacity and rate must be > 0'; end if;
        if p_delta > 0 then
          insert into rate_bucket as b (key, level, at) values (p_key, least(p_capacity, p_delta), p_now)
          on conflict (key) do update
            set level = least(p_capacity, silta_budget_drained(b.level, b.at, p_now, p_rate) + p_delta), at = greatest(b.at, p_now)
          returning b.level, b.at into bucket_level, bucket_at;
        else
          -- Giving back to a bucket that is not there (drained and pruned) has nothing to change.
          update rate_bucket b set level = greatest(0, silta_budget_drained(b.level, b.at, p_now, p_rate) + p_delta), at = greatest(b.at, p_now)
            where b.key = p_key
          returning b.level, b.at into bucket_level, bucket_at;
        end if;
        if not found then bucket_level := 0; bucket_at := p_now; end if;
      end $$;`);

    this.addSql(`create function silta_budget_peek_at(p_key text, p_rate double precision, p_now timestamptz,
        out bucket_level double precision, out bucket_at timestamptz)
      language plpgsql stable security definer set search_path = public, pg_temp as $$
      begin
        select silta_budget_drained(b.level, b.at, p_now, p_rate), greatest(b.at, p_now) into bucket_level, bucket_at
          from rate_bucket b where b.key = p_key;
        if not found then bucket_level := 0; bucket_at := p_now; end if;
      end $$;`);

    // A drained bucket carries no information (and an IP address is personal data): delete it.
    this.addSql(`create function silta_budget_prune_at(p_rate double precision, p_now timestamptz) returns integer
      language plpgsql security definer set search_path = public, pg_temp as $$
      declare pruned integer;
      begin
        if p_rate <= 0 then raise exception 'silta_budget_prune: rate must be > 0'; end if;
        delete from rate_bucket b where silta_budget_drained(b.level, b.at, p_now, p_rate) <= 0;
        get diagnostics pruned = row_count;
        return pruned;
      end $$;`);

    // What the serving role calls: the same on the database's clock.
    this.addSql(`create function silta_budget_take(p_key text, p_cost double precision, p_capacity double precision, p_rate double precision,
        out ok boolean, out bucket_level double precision, out bucket_at timestamptz)
      language sql security definer set search_path = public, pg_temp as $$
        select * from silta_budget_take_at(p_key, p_cost, p_capacity, p_rate, clock_timestamp())
      $$;`);
    this.addSql(`create function silta_budget_adjust(p_key text, p_delta double precision, p_capacity double precision, p_rate double precision,
        out bucket_level double precision, out bucket_at timestamptz)
      language sql security definer set search_path = public, pg_temp as $$
        select * from silta_budget_adjust_at(p_key, p_delta, p_capacity, p_rate, clock_timestamp())
      $$;`);
    this.addSql(`create function silta_budget_peek(p_key text, p_rate double precision, out bucket_level double precision, out bucket_at timestamptz)
      language sql stable security definer set search_path = public, pg_temp as $$
        select * from silta_budget_peek_at(p_key, p_rate, clock_timestamp())
      $$;`);
    this.addSql(`create function silta_budget_prune(p_rate double precision) returns integer
      language sql security definer set search_path = public, pg_temp as $$
        select silta_budget_prune_at(p_rate, clock_timestamp())
      $$;`);

    // Functions are executable by everyone by default; a caller-chosen clock is for the owner (tests) only.
    for (const fn of [
      'silta_budget_take_at(text, double precision, double precision, double precision, timestamptz)',
      'silta_budget_adjust_at(text, double precision, double precision, double precision, timestamptz)',
      'silta_budget_peek_at(text, double precision, timestamptz)',
      'silta_budget_prune_at(double precision, timestamptz)',
    ]) {
      this.addSql(`revoke execute on function ${fn} from public;`);
    }
  }

  override async down(): Promise<void> {
    for (const fn of ['take', 'adjust', 'peek', 'prune', 'take_at', 'adjust_at', 'peek_at', 'prune_at', 'drained']) {
      this.addSql(`drop function if exists silta_budget_${fn} cascade;`);
    }
    this.addSql(`drop table if exists "rate_bucket" cascade;`);
  }

}
