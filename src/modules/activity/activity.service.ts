import type { EntityManager, Knex } from '@mikro-orm/postgresql';
import { knexOf } from '../../shared/db/session';
import { badUserInput } from '../../shared/errors';
import { MAX_PAGE_SIZE } from '../../shared/relay/connection';
import { decodeEntityId } from '../../shared/relay/global-id';
import { LOG_START, decodePosition, readActivity, runOnKnex, type ActivityConditions, type ActivityPosition, type RunSql } from './activity.log';
import type { ActivityFilter } from './activity.types';

const POSTAL_CODE = /^[0-9]{5}$/;

function list<T>(values: readonly T[] | null | undefined, argumentName: string): T[] | undefined {
  if (values == null) return undefined;
  if (values.length === 0) throw badUserInput(`\`${argumentName}\` needs at least one value; leave it out for all`, argumentName);
  if (values.length > MAX_PAGE_SIZE) throw badUserInput(`At most ${MAX_PAGE_SIZE} values in \`${argumentName}\`; got ${values.length}`, argumentName);
  return [...new Set(values)];
}

/** The filter, checked (BAD_USER_INPUT naming the argument), as conditions on the log. */
export function activityConditions(filter: ActivityFilter | null | undefined, argumentName = 'filter'): ActivityConditions {
  const arg = (name: string) => `${argumentName}.${name}`;
  const ids = (values: string[] | undefined, type: string, name: string) =>
    values?.map((id, index) => decodeEntityId(id, [type], `${arg(name)}[${index}]`));
  const postalCodes = list(filter?.postalCodes, arg('postalCodes'));
  postalCodes?.forEach((code, index) => {
    if (!POSTAL_CODE.test(code)) throw badUserInput(`A postal code is five digits, e.g. "70100"; got ${JSON.stringify(code)}`, `${arg('postalCodes')}[${index}]`);
  });
  return {
    types: list(filter?.kinds, arg('kinds')),
    schemes: list(filter?.schemes, arg('schemes')),
    programmeIds: ids(list(filter?.programmes, arg('programmes')), 'Programme', 'programmes'),
    organisationIds: ids(list(filter?.organisations, arg('organisations')), 'Organisation', 'organisations'),
    projectIds: ids(list(filter?.projects, arg('projects')), 'Project', 'projects'),
    postalCodes,
    crossDivideOnly: filter?.crossDivideOnly === true,
  };
}

/** SQL in the request's transaction (as the viewer). */
export function requestSql(em: EntityManager): RunSql {
  const knex = knexOf(em);
  return runOnKnex((sql, bindings) => knex.raw(sql, bindings as Knex.RawBinding[]) as unknown as Promise<{ rows: unknown[] }>);
}

export function startPosition(after: string | null | undefined, argumentName: string): ActivityPosition {
  return after == null ? LOG_START : decodePosition(after, argumentName);
}

/** The newest position a reader may start from: the last event below the oldest running transaction. */
export async function endOfLog(run: RunSql): Promise<ActivityPosition> {
  const rows = await run<{ xid: string; id: string }>(
    `select e.xid::text as xid, e.id::text as id from activity_event e where e.xid < pg_snapshot_xmin(pg_current_snapshot()) order by e.xid desc, e.id desc limit 1`, []);
  return rows[0] ?? LOG_START;
}

export { readActivity };
