import { Field, InputType, ObjectType } from 'type-graphql';
import { badUserInput } from './errors';
import { decodeEntityId } from './relay/global-id';
import { LocalDate } from './scalars';

@InputType({ description: 'An inclusive range of calendar dates.' })
export class DateRangeInput {
  @Field(() => LocalDate, { description: 'First day of the range.' })
  start!: string;

  @Field(() => LocalDate, { description: 'Last day of the range (on or after `start`).' })
  end!: string;
}

@ObjectType({ description: 'An inclusive range of calendar dates.', simpleResolvers: true })
export class DateRange {
  @Field(() => LocalDate, { description: 'First day of the range.' })
  start!: string;

  @Field(() => LocalDate, { description: 'Last day of the range.' })
  end!: string;
}

export function checkDateRange(range: DateRangeInput | null | undefined, argumentName: string): void {
  if (range && range.end < range.start) {
    throw badUserInput(`\`${argumentName}.end\` (${range.end}) is before \`${argumentName}.start\` (${range.start})`, argumentName);
  }
}

export function checkPostalCode(value: string | null | undefined, argumentName: string): void {
  if (value != null && !/^\d{5}$/.test(value)) {
    throw badUserInput(`A postal code has five digits, e.g. "70100"; got "${value}"`, argumentName);
  }
}

export function checkMunicipalityCode(value: string | null | undefined, argumentName: string): void {
  if (value != null && !/^\d{3}$/.test(value)) {
    throw badUserInput(`A municipality code has three digits, e.g. "297" for Kuopio; got "${value}"`, argumentName);
  }
}

export function checkVocabularyCode(value: string | null | undefined, argumentName: string): void {
  if (value != null && !/^[A-Z][A-Z0-9_]{0,59}$/.test(value)) {
    throw badUserInput(`A vocabulary code is written in SCREAMING_SNAKE_CASE, e.g. "YOUTH_PARTICIPATION"; got "${value}"`, argumentName);
  }
}

/** Decodes an optional ID filter to its integer key. */
export function optionalEntityId(id: string | null | undefined, type: string, argumentName: string): number | undefined {
  return id == null ? undefined : decodeEntityId(id, [type], argumentName);
}
