// Strict, type-aware lint (house style: named exports only, type-only imports, curly braces where it matters).
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');
const graphql = require('@graphql-eslint/eslint-plugin');

/** A rule minus the reports `skip` matches: the rule stays on for every case but one documented exception. */
function except(rule, skip) {
  return {
    ...rule,
    create: (context) =>
      rule.create(Object.create(context, { report: { value: (descriptor) => skip(descriptor.data ?? {}) || context.report(descriptor) } })),
  };
}

const schemaRules = {
  ...graphql.rules,
  // House style names permission fields `viewerCan<Action>`; on the `Viewer` type itself that reads as a type-name prefix.
  'no-typename-prefix': except(graphql.rules['no-typename-prefix'], ({ fieldName }) => fieldName.startsWith('viewerCan')),
  // Mutation results are nullable, so that a refused mutation does not null the results of the ones
  // already committed in the same document. Query fields never refuse (they return null or an empty
  // list for what the viewer may not see; a lint rule below keeps FORBIDDEN out of read resolvers),
  // so their lists and `viewer` stay non-null and portals need no null checks on them.
  'require-nullable-result-in-root': except(graphql.rules['require-nullable-result-in-root'], ({ rootType }) => rootType === 'type "Query"'),
};

const HOUSE_SYNTAX = [{ selector: 'ExportDefaultDeclaration', message: 'Use named exports (house style).' }];

// Every change is audited: the audit rows are computed from the unit of work's change sets at flush
// (src/modules/audit/audit.recorder.ts), so a write that bypasses the unit of work leaves no trail.
// Module code writes through em.create / em.remove / property changes only. (Row-level security also
// refuses any write outside a mutation's write window, which is open only while flushWithAudit runs.)
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
  // The exchange module's query(em, sql, params) helper, likewise.
  { selector: "CallExpression[callee.name='query'] > Literal.arguments[value=/^\\s*(insert|update|delete|merge|truncate)\\b/i]", message: UNAUDITED },
  { selector: "CallExpression[callee.name='query'] > TemplateLiteral.arguments > TemplateElement:first-child[value.raw=/^\\s*(insert|update|delete|merge|truncate)\\b/i]", message: UNAUDITED },
];

// Row-level security reads the viewer from the request's transaction: SQL that went around it (the
// pool) would run as an anonymous reader. Modules send SQL through knexOf(em) / em.execute().
const OUTSIDE_TRANSACTION = [
  { property: 'getKnex', message: 'Use knexOf(em) from src/shared/db/session.ts: it runs in the request transaction.' },
  { property: 'getConnection', message: 'Use em.execute(): it runs in the request transaction.' },
];

// Read fields refuse by returning null or an empty list: a thrown FORBIDDEN/UNAUTHENTICATED would
// null the neighbouring fields of a portal's query too. Mutations (*.mutations.ts) may throw.
const READ_FIELDS_DO_NOT_THROW = [
  {
    selector: 'CallExpression[callee.name=/^(forbidden|unauthenticated)$/]',
    message: 'A read field returns null or an empty list for a viewer who may not read it; it does not throw.',
  },
];

// Every logger comes from one factory, so none can skip the redaction of secrets.
const LOGGER_IMPORTS = ['pino', 'pino-http', 'pino-std-serializers'].map((name) => ({
  name,
  allowTypeImports: true,
  message: 'Make loggers with createLogger/createHttpLogger from src/shared/logger.ts: they redact secrets.',
}));

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
      '@typescript-eslint/no-restricted-imports': ['error', { paths: LOGGER_IMPORTS }],
    },
  },
  {
    // The ground floor does not import the upper floors: what shared/ needs of a module is an
    // interface here that the module implements, or the code moves up next to the module.
    files: ['src/shared/**/*.ts'],
    ignores: ['src/shared/logger.ts', 'src/**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: LOGGER_IMPORTS,
          patterns: [{ group: ['**/modules/**', '**/context', '**/app', '**/cli/**', '**/web/**'], message: 'src/shared/ may not import modules, the context, the app, the CLI or web: define an interface in shared/ or move the code up.' }],
        },
      ],
    },
  },
  {
    files: ['src/shared/**/*.ts'],
    ignores: ['src/shared/db/session.ts', 'src/**/*.test.ts'],
    rules: { 'no-restricted-properties': ['error', ...OUTSIDE_TRANSACTION] },
  },
  {
    files: ['src/modules/**/*.ts'],
    ignores: ['src/**/*.test.ts'],
    rules: {
      'no-restricted-properties': ['error', ...UNAUDITED_WRITES, ...OUTSIDE_TRANSACTION],
      'no-restricted-syntax': ['error', ...HOUSE_SYNTAX, ...UNAUDITED_SYNTAX],
    },
  },
  {
    files: ['src/modules/**/*.resolver.ts'],
    rules: { 'no-restricted-syntax': ['error', ...HOUSE_SYNTAX, ...UNAUDITED_SYNTAX, ...READ_FIELDS_DO_NOT_THROW] },
  },
  {
    // The importer writes sets of rows with SQL and, in the same batch, the audit rows flushWithAudit
    // would give them (import.store.ts: one row per created, changed or removed row, field-level).
    files: ['src/modules/exchange/import.store.ts'],
    rules: { 'no-restricted-syntax': ['error', ...HOUSE_SYNTAX] },
  },
  {
    // Start-up loaders bulk-upsert reference data (Posti geography, built-in vocabularies) as the owner:
    // system data loaded by no one through no mutation, so there is no actor to audit.
    files: ['src/modules/geography/reference-data.ts', 'src/modules/project/vocabularies.ts'],
    rules: { 'no-restricted-properties': 'off', 'no-restricted-syntax': ['error', ...HOUSE_SYNTAX] },
  },
  {
    files: ['src/shared/logger.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': 'off' },
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
  {
    // The emitted schema keeps the conventions a portal developer relies on: Relay connections,
    // descriptions, naming, one input per mutation. Runs in `npm run check:lint` (and so in CI).
    files: ['schema.graphql'],
    languageOptions: { parser: graphql.parser, parserOptions: { graphQLConfig: { schema: 'schema.graphql' } } },
    plugins: { '@graphql-eslint': { ...graphql, rules: schemaRules } },
    rules: {
      ...graphql.configs['flat/schema-recommended'].rules,
      ...graphql.configs['flat/schema-relay'].rules,
      '@graphql-eslint/require-description': [
        'error',
        {
          types: true,
          rootField: true,
          FieldDefinition: true,
          InputValueDefinition: true,
          EnumValueDefinition: true,
          DirectiveDefinition: true,
        },
      ],
      '@graphql-eslint/naming-convention': [
        'error',
        {
          types: 'PascalCase',
          FieldDefinition: 'camelCase',
          InputValueDefinition: 'camelCase',
          Argument: 'camelCase',
          EnumValueDefinition: 'UPPER_CASE',
          // Mutation inputs end with Input (and `input-name` ties them to their mutation); list arguments
          // are `<Type>Filter` and `<Type>Order`, as in GitHub's API.
          InputObjectTypeDefinition: { style: 'PascalCase', requiredSuffixes: ['Input', 'Filter', 'Order'] },
          'FieldDefinition[parent.name.value=Query]': { forbiddenPrefixes: ['query', 'get'], forbiddenSuffixes: ['Query'] },
          'FieldDefinition[parent.name.value=Mutation]': { forbiddenPrefixes: ['mutation'], forbiddenSuffixes: ['Mutation'] },
          EnumTypeDefinition: { forbiddenSuffixes: ['Enum'] },
          ObjectTypeDefinition: { forbiddenSuffixes: ['Type'] },
        },
      ],
      '@graphql-eslint/input-name': ['error', { checkInputType: true, caseSensitiveInputType: false, checkQueries: false, checkMutations: true }],
      // Short bounded lists (userErrors, a programme's objectives, a project's themes) are plain lists on purpose.
      '@graphql-eslint/relay-edge-types': ['error', { withEdgeSuffix: true, shouldImplementNode: true, listTypeCanWrapOnlyEdgeType: false }],
      '@graphql-eslint/strict-id-in-types': [
        'error',
        {
          acceptedIdNames: ['id'],
          acceptedIdTypes: ['ID'],
          // Pages, results and computed values (sums, the caller) are not records: they have no identity to refetch.
          exceptions: {
            suffixes: ['Connection', 'Edge', 'Payload', 'PageInfo', 'Totals'],
            // The analysts' summaries (src/modules/summary) are computed too.
            // So are a finding's signals (parts of its stored JSON), the overlap counts, and a plain date range,
            // and a webhook's filter (part of the hook), and an import's report (the import record is not in the schema).
            types: ['ImportReport', 'ImportCounts', 'ImportKindCounts', 'ImportProblem', 'ImportNearDuplicate', 'UserError', 'Viewer', 'ProgrammeYearFunding', 'SourceYearFunding', 'CeilingYearUsage', 'ThemeSummary', 'OverlapSignal', 'OverlapKindSummary', 'DateRange', 'WebhookFilter', 'OrganisationMatch', 'PostMatch'],
          },
        },
      ],
      '@graphql-eslint/require-nullable-result-in-root': 'error',
      '@graphql-eslint/no-scalar-result-type-on-mutation': 'error',
      '@graphql-eslint/unique-enum-value-names': 'error',
    },
  },
);
