import { FinnishBusinessIds } from 'finnish-business-ids';
import isEmail from 'validator/lib/isEmail';
import isURL from 'validator/lib/isURL';
import { UserErrorCode, userError, type UserError } from './user-error';

/** Input checks shared by every mutation; pure functions that collect UserErrors. */
export const MAX_NAME = 300;
export const MAX_TEXT = 10_000;

export class Checks {
  readonly errors: UserError[] = [];

  add(code: UserErrorCode, field: string | null, message: string): this {
    this.errors.push(userError(code, field, message));
    return this;
  }

  required(value: string | null | undefined, field: string): this {
    if (value == null || value.trim() === '') this.add(UserErrorCode.REQUIRED, field, `${field} is required`);
    return this;
  }

  maxLength(value: string | null | undefined, max: number, field: string): this {
    // Length in characters (code points), so that ä and emoji count as one.
    if (value != null && [...value].length > max) this.add(UserErrorCode.TOO_LONG, field, `${field} is limited to ${max} characters`);
    return this;
  }

  businessId(value: string | null | undefined, field: string): this {
    if (value != null && !FinnishBusinessIds.isValidBusinessId(value)) {
      this.add(UserErrorCode.INVALID_BUSINESS_ID, field, `"${value}" is not a valid Y-tunnus (1234567-8 with a correct check digit)`);
    }
    return this;
  }

  url(value: string | null | undefined, field: string): this {
    if (value != null && !isURL(value, { protocols: ['http', 'https'], require_protocol: true })) {
      this.add(UserErrorCode.INVALID_URL, field, `"${value}" is not an http(s) address`);
    }
    return this;
  }

  email(value: string | null | undefined, field: string): this {
    if (value != null && !isEmail(value)) this.add(UserErrorCode.INVALID_EMAIL, field, `"${value}" is not an e-mail address`);
    return this;
  }

  pattern(value: string | null | undefined, pattern: RegExp, field: string, message: string): this {
    if (value != null && !pattern.test(value)) this.add(UserErrorCode.INVALID_VALUE, field, message);
    return this;
  }

  period(start: string | null | undefined, end: string | null | undefined, field: string): this {
    if (start != null && end != null && end < start) {
      this.add(UserErrorCode.END_BEFORE_START, field, `${field} ends (${end}) before it starts (${start})`);
    }
    return this;
  }
}

/** Canonical text for uniqueness: NFC, trimmed, inner whitespace collapsed, lower case. Stored text stays as given. */
export function uniquenessKey(text: string): string {
  return text.normalize('NFC').trim().replace(/\s+/g, ' ').toLocaleLowerCase('fi');
}
