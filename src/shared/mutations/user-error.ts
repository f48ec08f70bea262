import { Field, ObjectType, registerEnumType } from 'type-graphql';

/** Expected failures of a mutation, returned as data in `userErrors` (nothing is written when any is returned). */
export enum UserErrorCode {
  REQUIRED = 'REQUIRED',
  TOO_LONG = 'TOO_LONG',
  INVALID_VALUE = 'INVALID_VALUE',
  INVALID_BUSINESS_ID = 'INVALID_BUSINESS_ID',
  INVALID_URL = 'INVALID_URL',
  INVALID_EMAIL = 'INVALID_EMAIL',
  UNKNOWN_POSTAL_CODE = 'UNKNOWN_POSTAL_CODE',
  UNKNOWN_MUNICIPALITY = 'UNKNOWN_MUNICIPALITY',
  END_BEFORE_START = 'END_BEFORE_START',
  NEGATIVE_AMOUNT = 'NEGATIVE_AMOUNT',
  NOT_FOUND = 'NOT_FOUND',
  ALREADY_EXISTS = 'ALREADY_EXISTS',
  ARCHIVED = 'ARCHIVED',
  INVALID_TRANSITION = 'INVALID_TRANSITION',
  CEILING_EXCEEDED = 'CEILING_EXCEEDED',
  VERSION_CONFLICT = 'VERSION_CONFLICT',
  IDEMPOTENCY_KEY_REUSED = 'IDEMPOTENCY_KEY_REUSED',
  IN_USE = 'IN_USE',
}

registerEnumType(UserErrorCode, {
  name: 'UserErrorCode',
  description: 'Why a mutation refused its input. Portals branch on the code and show the message.',
  valuesConfig: {
    REQUIRED: { description: 'A required value is missing or blank.' },
    TOO_LONG: { description: 'A text is longer than allowed (names 300, summaries 10 000 characters).' },
    INVALID_VALUE: { description: 'A value is not acceptable (see the message).' },
    INVALID_BUSINESS_ID: { description: 'Not a Y-tunnus with a correct check digit (format 1234567-8).' },
    INVALID_URL: { description: 'Not an http(s) address.' },
    INVALID_EMAIL: { description: 'Not an e-mail address.' },
    UNKNOWN_POSTAL_CODE: { description: "Not a postal code in Posti's data." },
    UNKNOWN_MUNICIPALITY: { description: 'Not a municipality code.' },
    END_BEFORE_START: { description: 'A period ends before it starts.' },
    NEGATIVE_AMOUNT: { description: 'An amount is below zero.' },
    NOT_FOUND: { description: 'A referenced record does not exist (or is not visible to you).' },
    ALREADY_EXISTS: { description: 'A record with the same unique key (Y-tunnus, code, name) exists.' },
    ARCHIVED: { description: 'The record is archived and cannot be changed.' },
    INVALID_TRANSITION: { description: 'The project status cannot move that way.' },
    CEILING_EXCEEDED: { description: "The decision would take the programme over an annual ceiling; a coordinator may confirm an override." },
    VERSION_CONFLICT: { description: 'Someone changed the record since you read it (`expectedVersion` is stale); reload and retry.' },
    IDEMPOTENCY_KEY_REUSED: { description: 'The idempotency key was used within 24 hours for a different input.' },
    IN_USE: { description: 'The record is still referenced and cannot be removed.' },
  },
});

@ObjectType({ description: 'An expected problem with a mutation’s input; nothing was written.', simpleResolvers: true })
export class UserError {
  @Field(() => String, { nullable: true, description: 'Path of the offending input field, e.g. "input.businessId"; null for the input as a whole.' })
  field!: string | null;

  @Field(() => UserErrorCode, { description: 'Machine-readable reason.' })
  code!: UserErrorCode;

  @Field(() => String, { description: 'Human-readable explanation, in English.' })
  message!: string;
}

export function userError(code: UserErrorCode, field: string | null, message: string): UserError {
  return { code, field, message };
}

/** Thrown inside a mutation to roll its transaction back and return these errors as data. */
export class UserErrorsException extends Error {
  constructor(readonly errors: UserError[]) {
    super(errors.map((error) => error.message).join('; '));
  }
}

/** One expected failure, to throw from a mutation body: `throw refusal(UserErrorCode.NOT_FOUND, 'input.id', '…')`. */
export function refusal(code: UserErrorCode, field: string | null, message: string): UserErrorsException {
  return new UserErrorsException([userError(code, field, message)]);
}

/** Throws when validation found anything. */
export function assertNoUserErrors(errors: UserError[]): void {
  if (errors.length > 0) throw new UserErrorsException(errors);
}
