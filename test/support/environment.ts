/**
 * How the integration suite reaches PostgreSQL: global setup starts (or borrows) a server and builds
 * template databases once; each test file clones its own database from a template.
 */
export const TEST_ENV = {
  serverUrl: 'SILTA_TEST_SERVER_URL',
  emptyTemplate: 'SILTA_TEST_TEMPLATE_EMPTY',
  demoTemplate: 'SILTA_TEST_TEMPLATE_DEMO',
} as const;

export type Template = 'empty' | 'demo';

export function testEnv(name: keyof typeof TEST_ENV): string {
  const value = process.env[TEST_ENV[name]];
  if (!value) throw new Error(`${TEST_ENV[name]} is not set: run the integration tests through jest (global setup)`);
  return value;
}
