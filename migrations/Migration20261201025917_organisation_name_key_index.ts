import { Migration } from '@mikro-orm/migrations';

/**
 * The holders of a name, as the uniqueness check compares names (trimmed, spaces collapsed, NFC,
 * lower case), come from an index: the import asked once per batch and PostgreSQL read every
 * organisation's name through a regular expression (25 ms per batch at 5 000 organisations, growing
 * with the table), and the write API's check did the same per mutation.
 */
export class Migration20261201025917_organisation_name_key_index extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create index "organisation_name_key_idx" on "organisation" (lower(normalize(regexp_replace(btrim("name"), '\\s+', ' ', 'g'), NFC)));`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "organisation_name_key_idx";`);
  }

}
