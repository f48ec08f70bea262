import { ref } from '@mikro-orm/core';
import { Arg, Ctx, Field, Mutation, Resolver } from 'type-graphql';
import type { Context } from '../../context';
import { forbidden } from '../../shared/errors';
import { MutationPayload } from '../../shared/mutations/payload';
import { checkVersion, runMutation } from '../mutation/mutation.runner';
import { assertNoUserErrors, refusal, UserErrorCode } from '../../shared/mutations/user-error';
import { Checks, MAX_TEXT } from '../../shared/mutations/validation';
import { decodeEntityId } from '../../shared/relay/global-id';
import { Account } from '../auth/account.entity';
import { canReviewOverlap, mayReviewOverlaps } from '../auth/permissions';
import { Project } from '../project/project.entity';
import { Overlap, OverlapReview } from './overlap.entity';
import { ReviewOverlapInput } from './overlap.mutation-inputs';

export const ReviewOverlapPayload = MutationPayload('ReviewOverlap', 'overlap', Overlap, 'finding, with its new status');
Field(() => OverlapReview, { nullable: true, description: 'The review as saved; null when userErrors are returned.' })(ReviewOverlapPayload.prototype, 'review');

const NOT_ALLOWED = 'Only analysts, admins and the coordinators of either project’s programme review overlap findings';

@Resolver()
export class OverlapMutationResolver {
  @Mutation(() => ReviewOverlapPayload, {
    nullable: true,
    description:
      'Mark an overlap finding CONFIRMED, DISMISSED or SYNERGY, with a note. Analysts, admins and coordinators of either project’s programme. ' +
      'The review belongs to the pair of projects: it survives recomputation, and a finding that disappears and comes back gets it again.',
  })
  async reviewOverlap(@Arg('input', () => ReviewOverlapInput, { description: 'The finding and the verdict.' }) input: ReviewOverlapInput, @Ctx() ctx: Context) {
    const outcome = await runMutation(ctx, { operation: 'reviewOverlap', conflictField: 'input.overlap' }, async ({ em, flush }) => {
      // Partners never review, whatever they can see: refused before anything is looked up.
      if (!mayReviewOverlaps(ctx.viewer)) throw forbidden(NOT_ALLOWED);
      const id = decodeEntityId(input.overlap, ['Overlap'], 'input.overlap');
      // Row-level security: a finding the viewer may not see is not found.
      const overlap = await em.findOne(Overlap, { id });
      if (!overlap) throw refusal(UserErrorCode.NOT_FOUND, 'input.overlap', `No overlap finding ${input.overlap}`);
      const projects = await em.find(Project, { id: { $in: [overlap.projectA.id, overlap.projectB.id] } });
      if (!canReviewOverlap(ctx.viewer, projects.map((project) => project.programme.id))) throw forbidden(NOT_ALLOWED);

      const note = input.note == null || input.note.trim() === '' ? null : input.note;
      assertNoUserErrors(new Checks().maxLength(note, MAX_TEXT, 'input.note').errors);

      // One review per pair: concurrent first reviews of a pair queue here rather than clash on the unique key.
      await em.execute('select pg_advisory_xact_lock(hashtextextended(?, 0))', [`silta:overlap-review:${overlap.projectA.id}:${overlap.projectB.id}`]);
      let review = await em.findOne(OverlapReview, { projectA: overlap.projectA.id, projectB: overlap.projectB.id }, { refresh: true });
      if (review) {
        checkVersion(review.version, input.expectedVersion);
        review.status = input.status;
        review.note = note;
        review.reviewer = ref(em.getReference(Account, ctx.viewer.accountId!));
      } else {
        if (input.expectedVersion != null) {
          throw refusal(UserErrorCode.VERSION_CONFLICT, 'input.expectedVersion', 'The pair has no review yet; leave expectedVersion out for a first review');
        }
        review = em.create(OverlapReview, {
          projectA: overlap.projectA,
          projectB: overlap.projectB,
          status: input.status,
          note,
          reviewer: ref(em.getReference(Account, ctx.viewer.accountId!)),
        });
      }
      await flush();
      // A trigger copied the verdict to the finding.
      await em.refresh(overlap);
      return { overlap, review };
    });
    return { overlap: outcome.result?.overlap ?? null, review: outcome.result?.review ?? null, userErrors: outcome.userErrors };
  }
}
