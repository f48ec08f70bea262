import { Migration } from '@mikro-orm/migrations';

export class Migration20261128053208_list_order_indexes extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create index "organisation_name_order_idx" on "organisation" (lower("name"), "id");`);

    this.addSql(`create index "programme_name_order_idx" on "programme" (lower("name"), "id");`);

    this.addSql(`create index "project_title_order_idx" on "project" (lower("title"), "id");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "organisation_name_order_idx";`);

    this.addSql(`drop index "programme_name_order_idx";`);

    this.addSql(`drop index "project_title_order_idx";`);
  }

}
