import { FundingLine } from '../modules/funding/funding-line.entity';
import { Municipality } from '../modules/geography/municipality.entity';
import { PostalArea } from '../modules/geography/postal-area.entity';
import { ReferenceDataset } from '../modules/geography/reference-dataset.entity';
import { ContactPerson } from '../modules/organisation/contact-person.entity';
import { ExternalId } from '../modules/organisation/external-id.entity';
import { Organisation } from '../modules/organisation/organisation.entity';
import {
  ProgrammeArea,
  ProgrammeCeiling,
  ProgrammeDecision,
  ProgrammeFunder,
  ProgrammeObjective,
} from '../modules/programme/programme-parts.entity';
import { Programme } from '../modules/programme/programme.entity';
import { Participation } from '../modules/project/participation.entity';
import { Project, ProjectLocation, ProjectTargetGroup, ProjectTheme } from '../modules/project/project.entity';
import { TargetGroup, Theme } from '../modules/project/vocabulary.entity';
import { AuditEvent } from '../modules/audit/audit-event.entity';
import { Account, ApiToken, Membership, ProgrammeCoordinator } from '../modules/auth/account.entity';
import { Overlap, OverlapDirty, OverlapReview, OverlapState, OverlapTerm } from '../modules/overlap/overlap.entity';
import { ActivityEventRecord, ActivityRetention } from '../modules/activity/activity-event.entity';
import { Post, PostArea, PostTheme } from '../modules/post/post.entity';
import { Webhook, WebhookDelivery } from '../modules/webhook/webhook.entity';
import { IdempotencyRecord } from '../modules/auth/idempotency-record.entity';
import { BaseEntity } from '../shared/base.entity';
import { RateBucket } from '../shared/limits/rate-bucket.entity';
import { DataVersion } from '../shared/response-cache/data-version.entity';
import { ImportRun } from '../modules/exchange/import-run.entity';

/** Every entity MikroORM manages; the migration check compares these with `migrations/`. */
export const entities = [
  BaseEntity,
  ReferenceDataset,
  Municipality,
  PostalArea,
  Organisation,
  ContactPerson,
  ExternalId,
  Programme,
  ProgrammeArea,
  ProgrammeFunder,
  ProgrammeObjective,
  ProgrammeCeiling,
  ProgrammeDecision,
  Theme,
  TargetGroup,
  Project,
  ProjectTheme,
  ProjectTargetGroup,
  ProjectLocation,
  Participation,
  FundingLine,
  Account,
  Membership,
  ProgrammeCoordinator,
  ApiToken,
  IdempotencyRecord,
  AuditEvent,
  Overlap,
  OverlapReview,
  OverlapDirty,
  OverlapTerm,
  OverlapState,
  ActivityEventRecord,
  ActivityRetention,
  RateBucket,
  DataVersion,
  Post,
  PostTheme,
  PostArea,
  Webhook,
  WebhookDelivery,
  ImportRun,
];
