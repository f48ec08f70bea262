import type { GraphQLResolveInfo } from 'graphql';
import type { Context } from '../../context';
import { plainRow, rowColumns } from '../../shared/db/plain-rows';
import type { ListSpec, PageRow } from '../../shared/relay/keyset';
import { selectedItemFields } from '../../shared/relay/selection';
import { fundingTotalsByProjectId } from '../funding/funding.loaders';
import { projectFundingTotalsJson, summarise, type SourceTotals } from '../funding/funding-totals';
import { Organisation } from '../organisation/organisation.entity';
import { Programme } from '../programme/programme.entity';
import { programmesById } from '../programme/programme.loaders';
import { ParticipationRole } from './project.enums';
import type { Project } from './project.entity';
import { leadOrganisationsByProjectId } from './project.loaders';

/**
 * The to-one relations of a project page, folded into the page statement when the selection asks for
 * them: the same rows the loaders would read (same tables, same transaction, so the same row-level
 * security), as JSON beside each project. The loaders are primed with them, so the field resolvers
 * find them ready and a page of 50 with its lead, programme and totals is one statement, not four.
 */
function foldsOf(em: Context['em']) {
  // Stored columns only (`rowColumns`): `row_to_json` of the whole row would carry the search document too.
  const organisation = rowColumns(em, Organisation, 'o').join(', ');
  const programme = rowColumns(em, Programme, 'pr').join(', ');
  return {
    leadOrganisation: {
      alias: '__lead',
      sql: `select row_to_json(o) from (select ${organisation} from participation lp join organisation o on o.id = lp.organisation_id
            where lp.project_id = t.id and lp.role = '${ParticipationRole.LEAD}' order by lp.id limit 1) o`,
    },
    programme: { alias: '__programme', sql: `select row_to_json(pr) from (select ${programme} from programme pr where pr.id = t.programme_id) pr` },
    fundingTotals: { alias: '__totals', sql: `select ${projectFundingTotalsJson('t')}` },
  } as const;
}

type Folds = ReturnType<typeof foldsOf>;
let folds: Folds | undefined;

type Folded = keyof Folds;

/** The spec with the folds the selection needs, and what primes the loaders from the page's rows. */
export function foldProjectRelations(
  spec: ListSpec<Project>,
  info: GraphQLResolveInfo,
  ctx: Pick<Context, 'em' | 'loaders'>,
): { spec: ListSpec<Project>; prime: (rows: PageRow<Project>[]) => void } {
  const selected = selectedItemFields(info);
  folds ??= foldsOf(ctx.em);
  const all = folds;
  const wanted = (Object.keys(all) as Folded[]).filter((field) => selected.has(field));
  if (wanted.length === 0) return { spec, prime: () => undefined };
  const sql = Object.fromEntries(wanted.map((field) => [all[field].alias, all[field].sql]));
  const prime = (rows: PageRow<Project>[]): void => {
    for (const { node, folded } of rows) {
      if (!folded) continue;
      if ('__lead' in folded) {
        const lead = folded.__lead as Record<string, unknown> | null;
        ctx.loaders.get(leadOrganisationsByProjectId).prime(node.id, lead ? plainRow(ctx.em, Organisation, lead) : null);
      }
      if ('__programme' in folded) {
        const programme = folded.__programme as Record<string, unknown> | null;
        // Absent only if row-level security hid it: then the loader decides, as without the fold.
        if (programme) ctx.loaders.get(programmesById).prime(node.programme.id, plainRow(ctx.em, Programme, programme));
      }
      if ('__totals' in folded) {
        ctx.loaders.get(fundingTotalsByProjectId).prime(node.id, summarise(folded.__totals as SourceTotals[]));
      }
    }
  };
  return { spec: { ...spec, folds: sql }, prime };
}
