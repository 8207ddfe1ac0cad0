import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it, type TestContext } from 'node:test';
import {
  CreateViewVersionCommand,
  DescribeViewCommand,
  ListViewVersionsCommand,
  UpdateViewContentCommand,
  type View,
} from '@aws-sdk/client-connect';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { openerFile } from '../../cli/studio/command.ts';
import { startStudio, type Studio } from '../../cli/studio/server.ts';
import { targetFromOptions, type Target } from '../../cli/target.ts';
import { createView } from '../support/fixtures.ts';
import { useTestService } from '../support/service.ts';
import { session } from '../support/studio-http.ts';
import { inCi } from '../support/tools.ts';

/**
 * The studio in a real browser (Debian's chromium, driven by playwright-core) against the emulator:
 * list, filter, open a view, compare, publish, roll back, the keyboard, and a page on another
 * origin that tries to drive the studio and changes nothing. Takes the screenshots docs/studio.md
 * shows (into docs/studio/ with UPDATE_SCREENSHOTS=1, elsewhere into a temporary folder, so that a
 * test run leaves the working tree as it was: the view's page shows times that change) and prints
 * the first paint and the bytes the first load transfers (docs/studio.md; never asserted).
 */
const CHROMIUM_PATHS = process.env['CHROMIUM_PATH'] ? [process.env['CHROMIUM_PATH']] : ['/usr/lib/chromium/chromium', '/usr/bin/chromium'];
const CHROMIUM = CHROMIUM_PATHS.find((path) => existsSync(path));
/** Where the page keeps its token (app.js). */
const TOKEN_KEY = 'connect-views-studio-token';
/**
 * The little of the DOM the functions run in the page use (tsconfig has no DOM library). Functions,
 * not strings: the studio's Content-Security-Policy refuses to evaluate a string.
 */
declare const document: {
  querySelector(selector: string): { textContent: string | null } | null;
  querySelectorAll(selector: string): { length: number };
  activeElement: { id: string } | null;
};
const SHOTS =
  process.env['UPDATE_SCREENSHOTS'] === '1'
    ? new URL('../../docs/studio/', import.meta.url)
    : new URL(`file://${mkdtempSync(join(tmpdir(), 'studio-shots-'))}/`);

const ctx = useTestService();
const instanceId = randomUUID();
const v1 = JSON.stringify({
  Head: { Title: '$.Title' },
  Body: [{ _id: 'go', Type: 'Button', Props: { Label: 'Pay now', Action: 'Submit' } }],
});
const v2 = JSON.stringify({
  Head: { Title: '$.Title' },
  Body: [
    { _id: 'go', Type: 'Button', Props: { Label: 'Pay', Action: 'Submit' } },
    { _id: 'back', Type: 'Button', Props: { Label: 'Back', Action: 'Cancel' } },
  ],
});
const draft = JSON.stringify({
  Head: { Title: 'Checkout for $.Customer' },
  Body: [{ _id: 'go', Type: 'Button', Props: { Label: 'Pay', Action: 'Submit' } }],
});

function needsChromium(t: TestContext): boolean {
  if (CHROMIUM) return true;
  const reason = 'needs chromium (apt-get install chromium, or CHROMIUM_PATH)';
  if (inCi()) assert.fail(`${reason}: CI must not pass without the browser tests`);
  t.skip(reason);
  return false;
}

describe('studio in a browser', () => {
  let studio: Studio;
  let target: Target;
  let browser: Browser | undefined;
  let context: BrowserContext;
  let page: Page;
  let checkout: View;

  async function describeView(qualifier: string) {
    return (await ctx.client.send(new DescribeViewCommand({ InstanceId: instanceId, ViewId: `${checkout.Id}:${qualifier}` }))).View!;
  }
  async function versionCount() {
    return (await ctx.client.send(new ListViewVersionsCommand({ InstanceId: instanceId, ViewId: checkout.Id! }))).ViewVersionSummaryList!
      .length;
  }

  before(async () => {
    if (!CHROMIUM) return;
    // Enough views for two pages of 50, and a few tags and descriptions to filter and sort on.
    checkout = await createView(ctx.client, instanceId, {
      name: 'Checkout',
      description: 'Card payment at the end of the order',
      template: v1,
      actions: ['Submit'],
      tags: { team: 'payments', stage: 'prod' },
    });
    await ctx.client.send(
      new CreateViewVersionCommand({
        InstanceId: instanceId,
        ViewId: checkout.Id!,
        ViewContentSha256: checkout.ViewContentSha256!,
        VersionDescription: 'First release',
      }),
    );
    const second = await ctx.client.send(
      new UpdateViewContentCommand({
        InstanceId: instanceId,
        ViewId: checkout.Id!,
        Status: 'PUBLISHED',
        Content: { Template: v2, Actions: ['Submit', 'Cancel'] },
      }),
    );
    await ctx.client.send(
      new CreateViewVersionCommand({
        InstanceId: instanceId,
        ViewId: checkout.Id!,
        ViewContentSha256: second.View!.ViewContentSha256!,
        VersionDescription: 'Back button',
      }),
    );
    await ctx.client.send(
      new UpdateViewContentCommand({
        InstanceId: instanceId,
        ViewId: checkout.Id!,
        Status: 'SAVED',
        Content: { Template: draft, Actions: ['Submit'] },
      }),
    );
    const names = Array.from({ length: 54 }, (_, index) => `Form ${String(index + 1).padStart(2, '0')}`);
    for (const name of names) {
      await createView(ctx.client, instanceId, {
        name,
        description: `Intake form number ${name.slice(5)}`,
        ...(name.endsWith('7') ? { tags: { team: 'intake' } } : {}),
      });
    }
    target = targetFromOptions({
      instanceId,
      endpointUrl: ctx.service.url,
      region: ctx.service.region,
      credentials: { accessKeyId: ctx.service.accessKeyId, secretAccessKey: ctx.service.secretAccessKey },
    });
    studio = await startStudio({ target, log: (message) => console.error(message) });
    // --no-sandbox: CI runs as root, where Chromium's sandbox will not start. The rule maps a name to
    // 127.0.0.1 as a rebound DNS record would.
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--host-resolver-rules=MAP rebound.test 127.0.0.1'],
    });
    context = await browser.newContext({ viewport: { width: 1280, height: 860 }, colorScheme: 'light' });
    page = await context.newPage();
    mkdirSync(SHOTS, { recursive: true });
  });
  after(async () => {
    await browser?.close();
    await studio?.close();
    target?.client.destroy();
  });

  it('loads fast: the first paint and the bytes of the first load', async (t) => {
    if (!needsChromium(t)) return;
    let bytes = 0;
    const responses: string[] = [];
    const count = async (request: import('playwright-core').Request) => {
      const sizes = await request.sizes();
      bytes += sizes.responseBodySize + sizes.responseHeadersSize;
      responses.push(`${new URL(request.url()).pathname} ${sizes.responseBodySize}`);
    };
    page.on('requestfinished', count);
    const started = Date.now();
    await page.goto(studio.url);
    await page.locator('table.views tbody tr').first().waitFor();
    await page.waitForFunction(() => !document.querySelector('table.views tbody td.number')?.textContent?.includes('…'));
    const listed = Date.now() - started;
    page.off('requestfinished', count);
    const paint = await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime);
    assert.ok(!page.url().includes(session(studio.url).token), `the token left the address bar: ${page.url()}`);
    console.log(
      `studio first load: first contentful paint ${paint?.toFixed(0)} ms, list with version counts in ${listed} ms, ` +
        `${bytes} bytes transferred in ${responses.length} responses (${responses.join(', ')})`,
    );
    t.diagnostic(`first-contentful-paint ${paint?.toFixed(0)} ms; ${bytes} bytes`);
  });

  it('lists the views 50 a page, sorts and filters them as you type', async (t) => {
    if (!needsChromium(t)) return;
    // A new document: from the studio's own page, the printed address changes only the fragment.
    await page.goto('about:blank');
    await page.goto(studio.url);
    const rows = page.locator('table.views tbody tr');
    await rows.first().waitFor();
    assert.equal(await rows.count(), 50);
    await page.getByText('Page 1 of 2').waitFor();
    assert.equal(await rows.first().locator('th').textContent(), 'Checkout');
    await page.waitForFunction(() => !document.querySelector('table.views tbody td.number')?.textContent?.includes('…'));
    assert.equal(await rows.first().locator('td.number').textContent(), '2');
    await page.screenshot({ path: new URL('views.png', SHOTS).pathname });

    await page.getByRole('button', { name: /^Name/ }).click();
    await page.waitForFunction(() => document.querySelector('table.views tbody th')?.textContent === 'Form 54');
    await page.getByRole('button', { name: 'Next →' }).click();
    await page.getByText('Page 2 of 2').waitFor();
    assert.match(page.url(), /page=2/);

    // The keyboard: "/" goes to the filter; typing filters (SearchViews, matched in the description).
    await page.keyboard.press('/');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'filter');
    await page.keyboard.type('card payment');
    await page.waitForFunction(() => document.querySelectorAll('table.views tbody tr').length === 1);
    assert.equal(await rows.first().locator('th').textContent(), 'Checkout');
    assert.match(page.url(), /q=card(\+|%20)payment/);
  });

  it('opens a view: the draft mark, the timeline, the content and the lint findings', async (t) => {
    if (!needsChromium(t)) return;
    await page.getByRole('link', { name: 'Checkout' }).click();
    await page.getByRole('heading', { level: 1, name: 'Checkout' }).waitFor();
    assert.equal(new URL(page.url()).hash, `#/views/${checkout.Id}`);
    await page.getByText('The draft ($SAVED) differs from what is published ($LATEST).').waitFor();
    const timeline = (await page.locator('ol.timeline').textContent()) ?? '';
    assert.match(timeline, /Version 2 .* — Back button/);
    assert.match(timeline, /Version 1 .* — First release/);
    const lint = (await page.locator('table.lint').textContent()) ?? '';
    assert.match(lint, /embedded-reference/);
    assert.match((await page.locator('.content').textContent()) ?? '', /Title: "\$\.Title"/);
    await page.screenshot({ path: new URL('view.png', SHOTS).pathname, fullPage: true });
  });

  it('compares two versions side by side, linkable by address', async (t) => {
    if (!needsChromium(t)) return;
    await page.getByRole('link', { name: 'changes since 1' }).click();
    await page.getByRole('heading', { level: 1, name: 'Compare version 1 with version 2' }).waitFor();
    assert.equal(new URL(page.url()).hash, `#/views/${checkout.Id}/compare/1/2`);
    const diff = (await page.locator('ol.diff').textContent()) ?? '';
    assert.match(diff, /changed\s+\/template\/Body\/0\/Props\/Label\s+"Pay now" → "Pay"/);
    assert.match(diff, /added\s+\/template\/Body\/1/);
    assert.match(diff, /added\s+\/actions\/1\s+"Cancel"/);
    assert.ok((await page.locator('.sides .line.added').count()) > 0);
    assert.ok((await page.locator('.sides .line.changed').count()) > 0);
    // The selectors rewrite the address; the address alone opens the same comparison.
    await page.selectOption('#compare-b', '$SAVED');
    await page.getByRole('heading', { level: 1, name: 'Compare version 1 with $SAVED' }).waitFor();
    await page.goto(`http://127.0.0.1:${studio.port}/#/views/${checkout.Id}/compare/1/$LATEST`);
    await page.getByRole('heading', { level: 1, name: 'Compare version 1 with $LATEST' }).waitFor();
    await page.screenshot({ path: new URL('compare.png', SHOTS).pathname, fullPage: true });
  });

  it('publishes the draft behind a confirmation (Esc cancels, nothing written)', async (t) => {
    if (!needsChromium(t)) return;
    await page.goto(`http://127.0.0.1:${studio.port}/#/views/${checkout.Id}`);
    const publish = page.getByRole('button', { name: 'Publish the draft…' });
    await publish.focus();
    await page.keyboard.press('Enter');
    await page.locator('dialog#confirm[open]').waitFor();
    await page.keyboard.press('Escape');
    await page.locator('dialog#confirm:not([open])').waitFor({ state: 'attached' });
    assert.notEqual((await describeView('$LATEST')).ViewContentSha256, (await describeView('$SAVED')).ViewContentSha256);

    await publish.click();
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    await page.getByText(/^Published: \$LATEST is now/).waitFor();
    assert.equal((await describeView('$LATEST')).ViewContentSha256, (await describeView('$SAVED')).ViewContentSha256);
  });

  it('cuts a version with a description, from the keyboard alone', async (t) => {
    if (!needsChromium(t)) return;
    await page.getByRole('button', { name: 'Reload the view' }).click();
    await page.getByText('The draft is what is published.').waitFor();
    await page.getByRole('button', { name: 'Cut a version…' }).focus();
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'confirm-input');
    await page.keyboard.type('Greeting by name');
    // Enter in the field confirms (Cancel is not the form's submit button).
    await page.keyboard.press('Enter');
    await page.getByText('Version 3 cut.').waitFor();
    assert.equal((await describeView('3')).VersionDescription, 'Greeting by name');
  });

  it('rolls back to a version, which is cut as a new one', async (t) => {
    if (!needsChromium(t)) return;
    await page.getByRole('button', { name: 'Reload the view' }).click();
    await page.getByText('The draft is what is published.').waitFor();
    await page.selectOption('#rollback-to', '1');
    await page.getByRole('button', { name: 'Roll back…' }).click();
    await page.getByRole('button', { name: 'Roll back', exact: true }).click();
    await page.getByText("Rolled back: version 4 holds version 1's content.").waitFor();
    const latest = await describeView('$LATEST');
    assert.deepEqual(JSON.parse(latest.Content!.Template!), JSON.parse(v1));
    assert.equal((await describeView('4')).VersionDescription, 'Rollback to version 1');
  });

  it('says "changed since you loaded this page" when the view moved, and writes nothing', async (t) => {
    if (!needsChromium(t)) return;
    await page.getByRole('button', { name: 'Reload the view' }).click();
    await page.getByRole('heading', { level: 1, name: 'Checkout' }).waitFor();
    await ctx.client.send(
      new UpdateViewContentCommand({
        InstanceId: instanceId,
        ViewId: checkout.Id!,
        Status: 'SAVED',
        Content: { Template: v2, Actions: ['Submit'] },
      }),
    );
    const before = (await describeView('$LATEST')).ViewContentSha256;
    await page.getByRole('button', { name: 'Roll back…' }).click();
    await page.getByRole('button', { name: 'Roll back', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: 'changed since you loaded this page' }).waitFor();
    assert.equal((await describeView('$LATEST')).ViewContentSha256, before);
    assert.equal(await versionCount(), 4);
  });

  it('warns that a rollback discards the unpublished draft, and asks for that in its button', async (t) => {
    if (!needsChromium(t)) return;
    // The draft saved by the previous test is still unpublished.
    await page.getByRole('button', { name: 'Reload the view' }).click();
    await page.getByRole('heading', { level: 1, name: 'Checkout' }).waitFor();
    await page.getByRole('button', { name: 'Roll back…' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText(/This replaces the unpublished draft \(\$SAVED [0-9a-f]{12}\): it is lost\./).waitFor();
    await dialog.getByRole('button', { name: 'Discard it and roll back' }).waitFor();
    await page.keyboard.press('Escape');
    assert.equal(await versionCount(), 4);
    assert.deepEqual(JSON.parse((await describeView('$SAVED')).Content!.Template!), JSON.parse(v2), 'the draft is kept');
  });

  it('shows a hostile template as text: no markup or script from a view runs in the page', async (t) => {
    if (!needsChromium(t)) return;
    const hostile = await createView(ctx.client, instanceId, {
      name: 'Markup',
      template: JSON.stringify({ Head: { Title: '<img src=x onerror="window.pwned=1">' }, '<b onmouseover=alert(1)>': 'x' }),
    });
    await page.goto(`http://127.0.0.1:${studio.port}/#/views/${hostile.Id}`);
    await page.getByRole('heading', { level: 1, name: 'Markup' }).waitFor();
    assert.match((await page.locator('.content').textContent()) ?? '', /Title: "<img src=x onerror=\\"window.pwned=1\\">"/);
    assert.equal(await page.locator('main img, main b').count(), 0);
    assert.equal(await page.evaluate(() => (globalThis as { pwned?: number }).pwned), undefined);
  });

  it('refuses a page on another origin that tries to drive it, and a rebound DNS name', async (t) => {
    if (!needsChromium(t)) return;
    const saved = await describeView('$SAVED');
    const studioOrigin = `http://127.0.0.1:${studio.port}`;
    const publishUrl = `${studioOrigin}/api/views/${checkout.Id}/publish`;
    const body = JSON.stringify({ expectedSha: saved.ViewContentSha256 });
    // The attacker's page: another port of 127.0.0.1 is "same-site" (a cookie of the studio's would
    // reach it); the token is in no cookie, and the Origin and Sec-Fetch-Site checks refuse the rest.
    const evilPage = `<!doctype html><title>evil</title>
<form id="form" method="POST" action="${publishUrl}" enctype="text/plain" target="sink">
  <input name='${body.slice(0, -1)},"x":"' value='"}'>
</form>
<iframe name="sink"></iframe>
<script>
  window.results = (async () => {
    const out = {};
    const attempt = async (name, run) => {
      try { out[name] = await run(); } catch (error) { out[name] = 'blocked: ' + error.name; }
    };
    await attempt('read', async () => (await fetch('${studioOrigin}/api/views', { credentials: 'include' })).status);
    await attempt('json-post', async () => (await fetch('${publishUrl}', {
      method: 'POST', credentials: 'include', headers: { 'content-type': 'application/json', 'x-studio-token': 'guess' }, body: '${body}',
    })).status);
    await attempt('no-cors-post', async () => (await fetch('${publishUrl}', {
      method: 'POST', mode: 'no-cors', credentials: 'include', headers: { 'content-type': 'text/plain' }, body: '${body}',
    })).type);
    document.getElementById('form').submit();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    return out;
  })();
</script>`;
    const seenByEvil: string[] = [];
    const evil: Server = createServer((request, response) => {
      seenByEvil.push(JSON.stringify(request.headers));
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end(evilPage);
    });
    await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
    const statuses: number[] = [];
    const attacker = await context.newPage();
    attacker.on('response', (response) => {
      if (response.url().startsWith(studioOrigin)) statuses.push(response.status());
    });
    try {
      await attacker.goto(`http://127.0.0.1:${(evil.address() as AddressInfo).port}/`);
      const results = (await attacker.evaluate('window.results')) as Record<string, unknown>;
      assert.match(String(results['read']), /^blocked/, 'another origin read the API');
      assert.match(String(results['json-post']), /^blocked/, 'another origin sent a JSON write');
      // Opaque, or a network error where Cross-Origin-Resource-Policy withholds even that: the write was sent, and refused.
      assert.match(String(results['no-cors-post']), /^(opaque|blocked)/);
      // The browser reports the answers it let the page see (the form's); the studio refused each.
      assert.ok(statuses.length >= 1, 'no answer from the studio');
      assert.ok(
        statuses.every((status) => status === 403 || status === 405),
        `the studio answered ${statuses.join(', ')}`,
      );
      // What a cookie would have leaked: every request the browser sent the other server holds no token.
      assert.ok(seenByEvil.length >= 1);
      assert.ok(
        seenByEvil.every((headers) => !headers.includes(session(studio.url).token)),
        'the browser sent the token to another port',
      );
      // DNS rebinding: a name that resolves to 127.0.0.1 reaches the studio's port, and is refused by its Host.
      const rebound = await attacker.goto(`http://rebound.test:${studio.port}/api/views`);
      assert.equal(rebound?.status(), 403);
    } finally {
      await attacker.close();
      await new Promise((resolve) => evil.close(resolve));
    }
    assert.equal((await describeView('$SAVED')).ViewContentSha256, saved.ViewContentSha256);
    assert.notEqual((await describeView('$LATEST')).ViewContentSha256, saved.ViewContentSha256, 'the draft was published');
    assert.equal(await versionCount(), 4);
  });
  it('opens from the file the command opens the browser on; without the token it says what to do', async (t) => {
    if (!needsChromium(t)) return;
    // A browser that has never seen the studio: the token can only come from the opener file.
    const fresh = await browser!.newContext();
    const opener = await openerFile(studio.url);
    try {
      const tab = await fresh.newPage();
      await tab.goto(pathToFileURL(opener.path).href);
      await tab.locator('table.views tbody tr').first().waitFor();
      assert.equal(new URL(tab.url()).origin, `http://127.0.0.1:${studio.port}`);
      assert.ok(!tab.url().includes(session(studio.url).token), 'the token left the address bar');
      // A second tab of the same browser needs no token in its address: the origin's storage holds it.
      const second = await fresh.newPage();
      await second.goto(`http://127.0.0.1:${studio.port}/#/views/${checkout.Id}`);
      await second.getByRole('heading', { level: 1, name: 'Checkout' }).waitFor();
      const stored = (tab: Page) =>
        tab.evaluate(
          (key) => (globalThis as unknown as { localStorage: { getItem(key: string): string | null } }).localStorage.getItem(key),
          TOKEN_KEY,
        );
      assert.equal(await stored(second), session(studio.url).token);
      // A link carrying a wrong token (a new document) does not replace the good one.
      await second.goto('about:blank');
      await second.goto(`http://127.0.0.1:${studio.port}/#token=${'A'.repeat(43)}`);
      await second.locator('table.views tbody tr').first().waitFor();
      assert.equal(await stored(second), session(studio.url).token);
      // The printed address pasted into a tab already on the studio changes only the fragment (no new
      // document): the token is taken all the same, and leaves the address bar.
      await second.evaluate((key) => {
        (globalThis as unknown as { localStorage: { setItem(key: string, value: string): void } }).localStorage.setItem(key, 'stale');
      }, TOKEN_KEY);
      await second.reload();
      await second.getByRole('alert').filter({ hasText: 'no valid access token' }).waitFor();
      await second.evaluate((url) => {
        (globalThis as unknown as { location: { href: string } }).location.href = url;
      }, studio.url);
      await second.locator('table.views tbody tr').first().waitFor();
      assert.ok(!second.url().includes(session(studio.url).token), `the token left the address bar: ${second.url()}`);
      assert.equal(await stored(second), session(studio.url).token);
      // …and the history: the entry the address made was replaced, so Back does not return to it.
      await second.goBack();
      assert.ok(!second.url().includes(session(studio.url).token), `the token is in the history: ${second.url()}`);
    } finally {
      await fresh.close();
      await opener.remove();
    }
    const stranger = await browser!.newContext();
    try {
      const tab = await stranger.newPage();
      await tab.goto(`http://127.0.0.1:${studio.port}/`);
      await tab.getByRole('alert').filter({ hasText: 'no valid access token' }).waitFor();
      assert.equal(await tab.locator('table.views tbody tr').count(), 0);
    } finally {
      await stranger.close();
    }
  });
});
