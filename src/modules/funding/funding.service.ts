import { badUserInput } from '../../shared/errors';
import { checkDateRange, optionalEntityId } from '../../shared/filters';
import { OrderDirection } from '../../shared/relay/connection';
import type { ListSpec, SortKey } from '../../shared/relay/keyset';
import type { Viewer } from '../auth/viewer';
import { FundingLine } from './funding-line.entity';
import { FundingLineOrderField, type FundingLineFilter, type FundingLineOrder } from './funding.inputs';

const SORT_KEYS: Record<FundingLineOrderField, SortKey> = {
  [FundingLineOrderField.GRANTED_AMOUNT]: { sql: 't.granted', cast: 'numeric' },
  [FundingLineOrderField.DECISION_DATE]: { sql: "coalesce(t.decision_date, '9999-12-31'::date)", cast: 'date' },
  [FundingLineOrderField.CREATED]: { sql: 't.id', cast: 'integer' },
};

export function fundingLineListSpec(
  viewer: Viewer,
  filter: FundingLineFilter | null | undefined,
  order: FundingLineOrder | null | undefined,
): ListSpec<FundingLine> {
  const programmeId = optionalEntityId(filter?.programme, 'Programme', 'filter.programme');
  const projectId = optionalEntityId(filter?.project, 'Project', 'filter.project');
  const organisationId = optionalEntityId(filter?.organisation, 'Organisation', 'filter.organisation');
  checkDateRange(filter?.decidedBetween, 'filter.decidedBetween');
  if (filter?.source && filter.source.length === 0) {
    throw badUserInput('`source` needs at least one source; leave it out for all', 'filter.source');
  }
  return {
    entity: FundingLine,
    table: 'funding_line',
    keyColumn: 'id',
    sort: SORT_KEYS[order?.field ?? FundingLineOrderField.CREATED],
    direction: order?.direction ?? OrderDirection.ASC,
    where: (qb) => {
      if (!filter) return;
      if (filter.source) qb.whereIn('t.source', filter.source);
      if (filter.scheme) {
        qb.whereRaw('t.project_id in (select p.id from project p join programme g on g.id = p.programme_id where g.scheme = ?)', [filter.scheme]);
      }
      if (programmeId !== undefined) qb.whereRaw('t.project_id in (select id from project where programme_id = ?)', [programmeId]);
      if (projectId !== undefined) qb.where('t.project_id', projectId);
      if (organisationId !== undefined) {
        qb.whereRaw('t.project_id in (select project_id from participation where organisation_id = ?)', [organisationId]);
      }
      if (filter.decidedBetween) {
        qb.whereBetween('t.decision_date', [filter.decidedBetween.start, filter.decidedBetween.end]);
      }
    },
  };
}
