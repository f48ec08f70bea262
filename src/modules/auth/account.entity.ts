import { Entity, Enum, Index, ManyToOne, Opt, Property, type Ref, Unique } from '@mikro-orm/core';
import { Field, ObjectType } from 'type-graphql';
import { BaseEntity } from '../../shared/base.entity';
import { Node } from '../../shared/relay/node.interface';
import { DateTime } from '../../shared/scalars';
import { Organisation } from '../organisation/organisation.entity';
import { Programme } from '../programme/programme.entity';
import { AccountKind, GlobalRole, TokenScope } from './auth.enums';

@ObjectType({ implements: Node, description: 'A person or a portal integration that signs in to Silta.' })
@Entity()
@Unique({ properties: ['oidcIssuer', 'oidcSubject'] })
export class Account extends BaseEntity {
  @Field(() => String, { description: 'Display name.' })
  @Property({ type: 'string', length: 200 })
  name!: string;

  @Field(() => AccountKind, { description: 'Person or integration.' })
  @Enum({ items: () => AccountKind, nativeEnumName: 'account_kind' })
  kind: AccountKind & Opt = AccountKind.PERSON;

  @Property({ type: 'string', length: 320, nullable: true, unique: true })
  email?: string;

  /** ANALYST and ADMIN; PARTNER and COORDINATOR come from memberships. */
  @Property({ type: 'string[]', columnType: 'text[]', default: '{}' })
  globalRoles: GlobalRole[] & Opt = [];

  /** Identity at an external OpenID Connect provider (a city's SSO), when the account signs in that way. */
  @Property({ type: 'string', length: 300, nullable: true })
  oidcIssuer?: string;

  @Property({ type: 'string', length: 300, nullable: true })
  oidcSubject?: string;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  disabledAt?: Date;
}

/** PARTNER role: the account acts for the organisation. */
@Entity()
@Unique({ properties: ['account', 'organisation'] })
export class Membership extends BaseEntity {
  @ManyToOne(() => Account, { ref: true, deleteRule: 'cascade' })
  account!: Ref<Account>;

  @Index()
  @ManyToOne(() => Organisation, { ref: true, deleteRule: 'cascade' })
  organisation!: Ref<Organisation>;

  /**
   * When a coordinator or admin (or an operator with `silta account grant`) confirmed that the account
   * really acts for the organisation; null while unconfirmed. Only verified members see other
   * organisations' contact details.
   */
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  verifiedAt?: Date;

  /** Who verified the membership; null when unverified or verified by an operator on the command line. */
  @ManyToOne(() => Account, { ref: true, nullable: true, deleteRule: 'set null' })
  verifiedBy?: Ref<Account>;
}

/** COORDINATOR role: the account manages the programme. */
@Entity()
@Unique({ properties: ['account', 'programme'] })
export class ProgrammeCoordinator extends BaseEntity {
  @ManyToOne(() => Account, { ref: true, deleteRule: 'cascade' })
  account!: Ref<Account>;

  @Index()
  @ManyToOne(() => Programme, { ref: true, deleteRule: 'cascade' })
  programme!: Ref<Programme>;
}

/** An API token; only its SHA-256 hash is stored, the token itself is shown once. */
@ObjectType({ implements: Node, description: 'An API token of an account (the secret itself is shown only once, when issued).' })
@Entity()
export class ApiToken extends BaseEntity {
  @Index()
  @ManyToOne(() => Account, { ref: true, deleteRule: 'cascade' })
  account!: Ref<Account>;

  @Property({ type: 'string', length: 64, unique: true })
  tokenHash!: string;

  @Field(() => String, { description: 'The first characters of the token, so that people can tell their tokens apart.' })
  @Property({ type: 'string', length: 16 })
  prefix!: string;

  @Field(() => String, { description: 'What the token is for.' })
  @Property({ type: 'string', length: 200 })
  name!: string;

  @Field(() => TokenScope, { description: 'Read-only or read-write.' })
  @Enum({ items: () => TokenScope, nativeEnumName: 'token_scope' })
  scope!: TokenScope;

  @Field(() => DateTime, { description: 'When the token stops working.' })
  @Property({ type: 'datetime', columnType: 'timestamptz' })
  expiresAt!: Date;

  @Field(() => DateTime, { nullable: true, description: 'When the token was revoked; null while usable.' })
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  revokedAt?: Date;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  lastUsedAt?: Date;
}
