/// <reference lib="dom" />
// The callbacks given to page.evaluate() run in the browser.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { describeInBrowser, launchChromium } from '../support/browser';
import { startTestApp, type TestApp } from '../support/test-app';

/** Set SILTA_TEST_SCREENSHOTS to a folder to keep screenshots of the explorer for a look. */
const SCREENSHOTS = process.env.SILTA_TEST_SCREENSHOTS;
/** Generous waits for a loaded machine, well inside the test's own timeout. */
const LONG = { timeout: 45_000 };
jest.setTimeout(180_000);

let browser: Browser;
let app: TestApp;
let page: Page;
/** Every request the page made to anywhere but Silta (blocked): the explorer must work offline. */
let outside: string[];

async function screenshot(name: string): Promise<void> {
  const image = await page.screenshot();
  expect(image.length).toBeGreaterThan(10_000);
  if (SCREENSHOTS) await writeFile(path.join(SCREENSHOTS, `${name}.png`), image);
}

/** Replaces a Monaco editor's text as a paste would (typing would trigger auto-closing brackets). */
async function setEditorText(editor: string, text: string): Promise<void> {
  await page.click(`${editor} .view-lines`);
  await page.keyboard.press('Control+A');
  await page.evaluate((given) => {
    const data = new DataTransfer();
    data.setData('text/plain', given);
    document.activeElement!.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  }, text);
  await page.waitForFunction(
    ([selector, start]) => document.querySelector(`${selector} .view-lines`)?.textContent?.replace(/\s/g, '').startsWith(start),
    [editor, text.replace(/\s/g, '').slice(0, 20)] as const,
    LONG,
  );
}

/** Runs the operation in the editor and returns the response pane's text once it shows `expected`. */
async function run(expected: string): Promise<string> {
  await page.click('.graphiql-execute-button');
  await page.waitForFunction((text) => document.querySelector('.graphiql-response')?.textContent?.includes(text), expected, LONG);
  return (await page.textContent('.graphiql-response'))!;
}

describeInBrowser('the GraphQL explorer, in Chromium', () => {
  beforeAll(async () => {
    app = await startTestApp('demo');
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.setDefaultTimeout(45_000);
    outside = [];
    const silta = new URL(app.url).host;
    await page.route('**/*', async (route) => {
      const url = new URL(route.request().url());
      if (url.host === silta || url.protocol === 'blob:' || url.protocol === 'data:') return route.continue();
      outside.push(url.href);
      return route.abort();
    });
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('is linked from the landing page, loads from Silta alone, and runs the example query', async () => {
    await page.goto(app.url);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Silta');
    await page.getByRole('link', { name: 'GraphQL explorer' }).click();
    await page.waitForURL(`${app.url}/explorer`);
    await page.waitForSelector('.graphiql-query-editor .monaco-editor', LONG);

    const response = await run('totalCount');
    const programmes = Number(/"totalCount":\s*(\d+)/.exec(response)![1]);
    expect(programmes).toBeGreaterThan(0);
    await screenshot('explorer-query');
    expect(outside).toEqual([]);
  });

  it('shows the schema docs', async () => {
    await page.getByRole('button', { name: /documentation explorer/i }).click();
    await page.waitForSelector('.graphiql-doc-explorer', LONG);
    await page.getByText('Query', { exact: true }).first().click();
    await page.waitForFunction(() => document.querySelector('.graphiql-doc-explorer')?.textContent?.includes('Reading the graph'), null, LONG);
    await screenshot('explorer-docs');
  });

  it('runs a mutation with the Authorization header set in the headers editor', async () => {
    const token = await app.signIn({ name: 'Selaimen käyttäjä' });
    await setEditorText('.graphiql-query-editor', 'mutation NewToken {\n  createApiToken(input: { name: "explorer" }) {\n    secret\n    apiToken { name }\n    userErrors { code }\n  }\n}\n');
    await page.getByRole('button', { name: 'Headers' }).click();
    await setEditorText('.graphiql-editor-tool .graphiql-editor:not(.hidden)', `{ "Authorization": "Bearer ${token}" }`);

    const response = await run('"secret"');
    expect(response).toMatch(/"name":\s*"explorer"/);
    expect(response).toMatch(/"userErrors":\s*\[\]/);
    const issued = await app.sql<{ name: string }>(
      `select a.name from api_token t join account a on a.id = t.account_id where t.name = 'explorer'`,
    );
    expect(issued).toEqual([{ name: 'Selaimen käyttäjä' }]);
    await screenshot('explorer-mutation');
    expect(outside).toEqual([]);
  });

  it('runs a subscription over graphql-ws and shows live activity', async () => {
    // From the current end of the log, so that the change below is delivered however long the browser takes to connect.
    const latest = (await app.gql<{ activity: { pageInfo: { endCursor: string } } }>('{ activity(last: 1) { pageInfo { endCursor } } }')).data!.activity.pageInfo.endCursor;
    await setEditorText('.graphiql-query-editor', `subscription Live {\n  activity(after: "${latest}", filter: { kinds: [PROJECT_UPDATED] }) {\n    type\n    occurredAt\n    payload\n  }\n}\n`);
    // GraphiQL picks up the new operation's name a moment after an edit (else it runs the previous one's name).
    await page.waitForTimeout(1000);
    await page.click('.graphiql-execute-button');
    // The subscription is open once the server holds a WebSocket for it; then a change is committed.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await app.sql(`update project set title = 'Kesäöiden yhteislaulut – selaimessa' where code = 'KAKE-KUO-2017-01'`);
    await page.waitForFunction(() => document.querySelector('.graphiql-response')?.textContent?.includes('selaimessa'), null, LONG);
    const response = (await page.textContent('.graphiql-response'))!;
    expect(response).toMatch(/"type":\s*"PROJECT_UPDATED"/);
    await screenshot('explorer-subscription');
    await page.click('.graphiql-execute-button'); // stops it
    expect(outside).toEqual([]);
  });

  it('is what a browser gets on GET /graphql', async () => {
    await page.goto(`${app.url}/graphql`);
    await page.waitForSelector('.graphiql-query-editor .monaco-editor', LONG);
    await expect(page.title()).resolves.toBe('Silta GraphQL explorer');
    expect(outside).toEqual([]);
  });
});
