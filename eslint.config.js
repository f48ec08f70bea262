// Strict, type-aware lint (house style: named exports only, type-only imports, curly braces where it matters).
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');

const HOUSE_SYNTAX = [{ selector: 'ExportDefaultDeclaration', message: 'Use named exports (house style).' }];

// Every change is audited: the audit rows are computed from the unit of work's change sets at flush
// (src/modules/audit/audit.recorder.ts), so a write that bypasses the unit of work leaves no trail.
// Module code writes through em.create / em.remove / property changes only.
const UNAUDITED = 'Writes bypassing the unit of work leave no audit row: use em.create, em.remove or change the entity (see audit.recorder.ts).';
const UNAUDITED_WRITES = ['nativeDelete', 'nativeUpdate', 'nativeInsert', 'insert', 'insertMany', 'upsert', 'upsertMany'].map((property) => ({ property, message: UNAUDITED }));
const UNAUDITED_SYNTAX = [
  // Query-builder chains: knex('t').insert(…), em.createQueryBuilder(X).delete(), qb.where(…).update(…).
  {
    selector: "CallExpression[callee.object.type='CallExpression'][callee.property.name=/^(insert|update|delete|del|upsert|merge|truncate)$/]:not([callee.object.callee.name='createHash'])",
    message: UNAUDITED,
  },
  // Raw SQL that writes: execute('insert …'), execute(`update …`), execute('delete …').
  { selector: "CallExpression[callee.property.name=/^(execute|raw)$/] > Literal.arguments[value=/^\\s*(insert|update|delete|merge|truncate)\\b/i]", message: UNAUDITED },
  { selector: "CallExpression[callee.property.name=/^(execute|raw)$/] > TemplateLiteral.arguments > TemplateElement:first-child[value.raw=/^\\s*(insert|update|delete|merge|truncate)\\b/i]", message: UNAUDITED },
];

module.exports = tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', '.silta/', 'migrations/Migration*.ts', '*.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: __dirname },
    },
    rules: {
      curly: ['error', 'multi-line'],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-console': ['error', { allow: ['error'] }],
      'no-restricted-syntax': ['error', ...HOUSE_SYNTAX],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    files: ['src/modules/**/*.ts'],
    ignores: ['src/**/*.test.ts'],
    rules: {
      'no-restricted-properties': ['error', ...UNAUDITED_WRITES],
      'no-restricted-syntax': ['error', ...HOUSE_SYNTAX, ...UNAUDITED_SYNTAX],
    },
  },
  {
    // Start-up loaders bulk-upsert reference data (Posti geography, built-in vocabularies): system data
    // loaded by no one through no mutation, so there is no actor to audit.
    files: ['src/modules/geography/reference-data.ts', 'src/modules/project/vocabularies.ts'],
    rules: { 'no-restricted-properties': 'off', 'no-restricted-syntax': ['error', ...HOUSE_SYNTAX] },
  },
  {
    // The CLI prints to the terminal; jest's global setup/teardown must be default exports.
    files: ['src/cli/**/*.ts', 'bench/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['test/support/global-setup.ts', 'test/support/global-teardown.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    files: ['test/**/*.ts', 'src/**/*.test.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
