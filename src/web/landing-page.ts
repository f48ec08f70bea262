import { EXPLORER_PATH } from './explorer';

/** What `/` shows a person who opens Silta in a browser: what it is and where to go next. */
export function landingPageHtml(options: { schemaPublished: boolean }): string {
  const schemaItem = options.schemaPublished
    ? '<li><a href="/schema.graphql">/schema.graphql</a>: the schema in GraphQL SDL, for code generators and reading.</li>'
    : '<li>The schema is not published here (introspection is turned off).</li>';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Silta GraphQL API</title>
<style>
  body { font-family: system-ui, sans-serif; line-height: 1.5; max-width: 44rem; margin: 2rem auto; padding: 0 1rem; color: #1a1a1a; background: #fff; }
  a { color: #0645ad; }
  code { background: #f2f2f2; padding: 0 0.2em; }
  @media (prefers-color-scheme: dark) { body { color: #eee; background: #161616; } a { color: #8ab4f8; } code { background: #2a2a2a; } }
</style>
</head>
<body>
<main>
<h1>Silta</h1>
<p>Silta ("bridge") is a GraphQL API that links Kuopio's urban <strong>Kake</strong> programme and the rural <strong>Leader</strong> programme of Kalakukko ry: their organisations, projects (hankkeet) and funding in one graph.</p>
<h2>Start here</h2>
<ul>
<li><a href="${EXPLORER_PATH}">GraphQL explorer</a>: write and run queries in the browser, with the schema docs. To sign in, add an <code>Authorization: Bearer &lt;token&gt;</code> header in its Headers tab.</li>
<li>The API itself: <code>POST /graphql</code> with a JSON body <code>{"query": "…", "variables": {…}}</code>.</li>
${schemaItem}
<li><a href="/README.md">README.md</a>: what Silta is, a quick start and examples; the manual is in <code>docs/</code>: <a href="/docs/configuration.md">configuration</a>, <a href="/docs/api.md">API guide</a>, <a href="/docs/accounts.md">accounts</a>, <a href="/docs/security.md">security</a>, <a href="/docs/limits.md">limits</a>.</li>
</ul>
<h2>Status</h2>
<ul>
<li><a href="/healthz">/healthz</a>: the process is alive.</li>
<li><a href="/readyz">/readyz</a>: the database is reachable and migrated.</li>
</ul>
</main>
</body>
</html>
`;
}
