// Strict, type-aware lint (house style: named exports only, type-only imports, curly braces where it matters).
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');

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
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportDefaultDeclaration', message: 'Use named exports (house style).' },
      ],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    // Row-level security reads the viewer from the request's transaction: SQL that went around it
    // (the pool) would run as an anonymous reader. Modules send SQL through knexOf(em) / em.execute().
    files: ['src/modules/**/*.ts', 'src/shared/**/*.ts'],
    ignores: ['src/shared/db/session.ts', 'src/modules/geography/reference-data.ts', 'src/modules/project/vocabularies.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { property: 'getKnex', message: 'Use knexOf(em) from src/shared/db/session.ts: it runs in the request transaction.' },
        { property: 'getConnection', message: 'Use em.execute(): it runs in the request transaction.' },
      ],
    },
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
