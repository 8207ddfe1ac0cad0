import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { CreateViewVersionCommand, DescribeViewCommand, UpdateViewContentCommand, type View } from '@aws-sdk/client-connect';
import { TOKEN_HEADER } from '../../cli/studio/guards.ts';
import { startStudio, type Studio } from '../../cli/studio/server.ts';
import { targetFromOptions, type Target } from '../../cli/target.ts';
import { createView } from '../support/fixtures.ts';
import { useTestService } from '../support/service.ts';
import { raw, session, type RawAnswer } from '../support/studio-http.ts';

/**
 * The studio against the emulator, through nothing but its endpoint and the local credentials, as
 * a user starts it: the API answers, every forged request is refused and changes nothing, and a
 * guarded write answers 409 when the view moved after the page loaded it.
 */
const ctx = useTestService();
/** SearchViews takes only instance ids of Connect's form (UUIDs): this instance has it, the next does not. */
const instanceId = randomUUID();
const plainInstanceId = `inst-${randomUUID()}`;

const v1 = JSON.stringify({ Head: { Title: '$.Title' }, Body: [{ _id: 'b', Type: 'Button', Props: { Label: 'Go', Action: 'Submit' } }] });
const v2 = JSON.stringify({ Head: { Title: '$.Title' }, Body: [{ _id: 'b', Type: 'Button', Props: { Label: 'Send', Action: 'Submit' } }] });
const draft = JSON.stringify({ Head: { Title: 'Hello $.Name' }, Body: [] });

function studioOn(instance: string): Promise<{ studio: Studio; target: Target }> {
  const target = targetFromOptions({
    instanceId: instance,
    endpointUrl: ctx.service.url,
    region: ctx.service.region,
    credentials: { accessKeyId: ctx.service.accessKeyId, secretAccessKey: ctx.service.secretAccessKey },
    maxAttempts: 3,
  });
  return startStudio({ target, log: () => {} }).then((studio) => ({ studio, target }));
}

describe('studio against the emulator', () => {
  let studio: Studio;
  let target: Target;
  let port: number;
  let auth: Record<string, string>;
  const answers: RawAnswer[] = [];
  let view: View;
  let other: View;

  async function get(path: string): Promise<Record<string, unknown>> {
    const answer = await raw(port, { path, headers: auth });
    answers.push(answer);
    assert.equal(answer.status, 200, `${path}: ${answer.text}`);
    return answer.json();
  }

  async function post(path: string, body: unknown, headers: Record<string, string | undefined> = {}): Promise<RawAnswer> {
    const answer = await raw(port, {
      method: 'POST',
      path,
      headers: { ...auth, 'content-type': 'application/json', origin: `http://127.0.0.1:${port}`, ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    answers.push(answer);
    return answer;
  }

  /** UpdateViewContent of the studio's view, as the console or another tool makes it. */
  function writeView(status: 'SAVED' | 'PUBLISHED', template: string) {
    return ctx.client.send(
      new UpdateViewContentCommand({
        InstanceId: instanceId,
        ViewId: view.Id!,
        Status: status,
        Content: { Template: template, Actions: ['Submit'] },
      }),
    );
  }

  async function shas(viewId: string) {
    const read = async (qualifier: string) =>
      (await ctx.client.send(new DescribeViewCommand({ InstanceId: instanceId, ViewId: `${viewId}:${qualifier}` }))).View!
        .ViewContentSha256!;
    const page = await get(`/api/views/${viewId}`);
    return { saved: await read('$SAVED'), latest: await read('$LATEST'), versions: (page['versions'] as unknown[]).length };
  }

  before(async () => {
    view = await createView(ctx.client, instanceId, {
      name: 'Studio checkout',
      description: 'The checkout form',
      template: v1,
      tags: { team: 'payments' },
    });
    await ctx.client.send(
      new CreateViewVersionCommand({
        InstanceId: instanceId,
        ViewId: view.Id!,
        ViewContentSha256: view.ViewContentSha256!,
        VersionDescription: 'first',
      }),
    );
    const second = await writeView('PUBLISHED', v2);
    await ctx.client.send(
      new CreateViewVersionCommand({ InstanceId: instanceId, ViewId: view.Id!, ViewContentSha256: second.View!.ViewContentSha256! }),
    );
    await writeView('SAVED', draft);
    other = await createView(ctx.client, instanceId, { name: 'Studio survey', template: v1 });
    ({ studio, target } = await studioOn(instanceId));
    ({ port, auth } = session(studio.url));
  });
  after(async () => {
    await studio?.close();
    target?.client.destroy();
    for (const answer of answers) assert.equal(answer.headers['access-control-allow-origin'], undefined, 'a CORS header was sent');
  });

  it('lists and filters the views with SearchViews, and counts their versions', async () => {
    const list = await get('/api/views');
    assert.equal(list['source'], 'SearchViews');
    const rows = list['views'] as { id: string; name: string; tags: Record<string, string>; lastModified?: string }[];
    assert.deepEqual(
      rows.map((row) => row.name),
      ['Studio checkout', 'Studio survey'],
    );
    assert.deepEqual(rows[0]!.tags, { team: 'payments' });
    assert.ok(rows[0]!.lastModified);
    const filtered = await get(`/api/views?q=${encodeURIComponent('CHECKOUT FORM')}`);
    assert.deepEqual(
      (filtered['views'] as { name: string }[]).map((row) => row.name),
      ['Studio checkout'],
      'matched in the description, whatever the case',
    );
    const details = await get(`/api/details?ids=${view.Id},${other.Id}`);
    assert.deepEqual(
      (details['details'] as { versions: number }[]).map((row) => row.versions),
      [2, 0],
    );
  });

  it('falls back to ListViews and filters itself where SearchViews refuses the instance', async () => {
    await createView(ctx.client, plainInstanceId, { name: 'Plain one', description: 'Kept in a non-UUID instance' });
    await createView(ctx.client, plainInstanceId, { name: 'Plain two' });
    const plain = await studioOn(plainInstanceId);
    try {
      const own = session(plain.studio.url);
      const list = await raw(own.port, { path: '/api/views?q=non-uuid', headers: own.auth });
      answers.push(list);
      assert.equal(list.status, 200, list.text);
      assert.equal(list.json()['source'], 'ListViews');
      assert.match(String(list.json()['note']), /SearchViews answered/);
      assert.deepEqual(
        (list.json()['views'] as { name: string }[]).map((row) => row.name),
        ['Plain one'],
      );
    } finally {
      await plain.studio.close();
      plain.target.client.destroy();
    }
  });

  it('shows a view: $LATEST, $SAVED, the timeline, the lint findings', async () => {
    const page = await get(`/api/views/${view.Id}`);
    assert.equal(page['draftDiffers'], true);
    const versions = page['versions'] as { version: number; sha?: string; time?: string; description?: string }[];
    assert.deepEqual(
      versions.map((entry) => entry.version),
      [2, 1],
    );
    assert.equal(versions[1]!.description, 'first');
    assert.match(versions[0]!.sha!, /^[0-9a-f]{64}$/);
    assert.ok(versions[0]!.time);
    assert.deepEqual((page['latest'] as { template: unknown }).template, JSON.parse(v2));
    assert.deepEqual((page['saved'] as { template: unknown }).template, JSON.parse(draft));
    const rules = (page['lint'] as { rule: string; pointer: string }[]).map((finding) => `${finding.rule} ${finding.pointer}`);
    assert.ok(rules.includes('embedded-reference /draft/template/Head/Title'), rules.join(', '));
    const missing = await raw(port, { path: `/api/views/${randomUUID()}`, headers: auth });
    assert.equal(missing.status, 404);
  });

  it('compares two versions, and a version with $LATEST, by JSON path', async () => {
    const compare = await get(`/api/views/${view.Id}/compare?a=1&b=2`);
    assert.deepEqual(compare['diff'], [{ kind: 'changed', path: '/template/Body/0/Props/Label', before: 'Go', after: 'Send' }]);
    assert.deepEqual(compare['versions'], [2, 1]);
    const same = await get(`/api/views/${view.Id}/compare?a=2&b=$LATEST`);
    assert.deepEqual(same['diff'], []);
    const none = await raw(port, { path: `/api/views/${view.Id}/compare?a=9&b=$LATEST`, headers: auth });
    assert.equal(none.status, 404);
  });

  it('refuses forged requests, and none of them changes the view', async () => {
    const before = await shas(view.Id!);
    const body = JSON.stringify({ expectedSha: before.saved });
    const publish = `/api/views/${view.Id}/publish`;
    const good = { ...auth, 'content-type': 'application/json' };
    const forged: { what: string; status: number; method?: string; path?: string; headers: Record<string, string | undefined> }[] = [
      { what: 'no token', status: 401, path: '/api/views', headers: {} },
      { what: 'wrong token', status: 401, path: '/api/views', headers: { [TOKEN_HEADER]: 'A'.repeat(43) } },
      { what: 'no token, on a write', status: 401, method: 'POST', headers: { ...good, [TOKEN_HEADER]: undefined } },
      {
        what: 'the token in a cookie, on a write',
        status: 401,
        method: 'POST',
        headers: { ...good, [TOKEN_HEADER]: undefined, cookie: `${TOKEN_HEADER}=${session(studio.url).token}` },
      },
      { what: 'foreign Host', status: 403, path: '/api/views', headers: { ...auth, host: `evil.example:${port}` } },
      { what: 'foreign Host, on a write', status: 403, method: 'POST', headers: { ...good, host: `evil.example:${port}` } },
      { what: 'foreign Origin', status: 403, path: '/api/views', headers: { ...auth, origin: 'http://evil.example' } },
      { what: 'foreign Origin, on a write', status: 403, method: 'POST', headers: { ...good, origin: 'http://evil.example' } },
      { what: 'POST with a wrong token', status: 401, method: 'POST', headers: { ...good, [TOKEN_HEADER]: 'x'.repeat(43) } },
      { what: 'GET to a write endpoint', status: 405, method: 'GET', headers: auth },
      { what: 'text/plain POST (a form)', status: 415, method: 'POST', headers: { ...good, 'content-type': 'text/plain' } },
      {
        what: 'urlencoded POST (a form)',
        status: 415,
        method: 'POST',
        headers: { ...good, 'content-type': 'application/x-www-form-urlencoded' },
      },
    ];
    for (const request of forged) {
      const answer = await raw(port, {
        method: request.method ?? 'GET',
        path: request.path ?? publish,
        headers: request.headers,
        ...(request.method === 'POST' ? { body } : {}),
      });
      answers.push(answer);
      assert.equal(answer.status, request.status, `${request.what}: ${answer.text}`);
      assert.match(String(answer.json()['error']), /\w+ \w+/, request.what);
    }
    assert.deepEqual(await shas(view.Id!), before, 'a forged request changed the view');
  });

  it('publishes the draft, cuts a version and rolls back, each guarded by the sha the page loaded', async () => {
    const loaded = await shas(view.Id!);
    const published = await post(`/api/views/${view.Id}/publish`, { expectedSha: loaded.saved });
    assert.equal(published.status, 200, published.text);
    assert.equal(published.json()['sha'], loaded.saved);
    const cut = await post(`/api/views/${view.Id}/versions`, { expectedSha: loaded.saved, description: 'from the studio' });
    assert.equal(cut.status, 200, cut.text);
    assert.deepEqual(cut.json(), { version: 3, created: true });
    const afterCut = await shas(view.Id!);
    const rolled = await post(`/api/views/${view.Id}/rollback`, { to: 1, expectedSha: afterCut.saved });
    assert.equal(rolled.status, 200, rolled.text);
    assert.deepEqual(rolled.json(), { version: 4, from: 1 });
    const compare = await get(`/api/views/${view.Id}/compare?a=1&b=$LATEST`);
    assert.deepEqual(compare['diff'], []);
    const page = await get(`/api/views/${view.Id}`);
    assert.equal((page['versions'] as { description?: string }[])[0]!.description, 'Rollback to version 1');
  });

  it('rolls back over an unpublished draft only when the page says the person agreed to discard it', async () => {
    await writeView('SAVED', draft);
    const loaded = await shas(view.Id!);
    assert.notEqual(loaded.saved, loaded.latest);
    const shown = await get(`/api/views/${view.Id}`);
    assert.equal(shown['draftDiffers'], true);
    assert.deepEqual(shown['unversioned'], ['draft']);
    const refused = await post(`/api/views/${view.Id}/rollback`, { to: 1, expectedSha: loaded.saved });
    assert.equal(refused.status, 409, refused.text);
    assert.equal(refused.json()['code'], 'UnversionedContentError');
    assert.match(String(refused.json()['error']), /has an unpublished draft, which a rollback would replace for good: nothing was written/);
    assert.deepEqual(await shas(view.Id!), loaded, 'the draft is kept and nothing is cut');
    const bad = await post(`/api/views/${view.Id}/rollback`, { to: 1, expectedSha: loaded.saved, discardUnversioned: 'yes' });
    assert.equal(bad.status, 400, bad.text);
    // Someone publishes the draft as it was: $SAVED's sha stays, and what is published is now in no
    // version. Consent to lose the draft the page showed is no consent to lose that.
    await writeView('PUBLISHED', draft);
    const unseen = await post(`/api/views/${view.Id}/rollback`, { to: 1, expectedSha: loaded.saved, discardUnversioned: ['draft'] });
    assert.equal(unseen.status, 409, unseen.text);
    assert.match(String(unseen.json()['error']), /has published content no version holds/);
    assert.deepEqual((await get(`/api/views/${view.Id}`))['unversioned'], ['published']);
    const rolled = await post(`/api/views/${view.Id}/rollback`, { to: 1, expectedSha: loaded.saved, discardUnversioned: ['published'] });
    assert.equal(rolled.status, 200, rolled.text);
    const after = await shas(view.Id!);
    assert.equal(after.saved, after.latest, 'the draft was discarded, as agreed');
    // Version 4 (the last rollback) already holds version 1's content: published again, nothing new cut.
    assert.deepEqual(rolled.json(), { version: 4, from: 1 });
    assert.equal(after.versions, loaded.versions);
  });

  it('answers 409 "changed since you loaded this page" when the view moved after load, and writes nothing', async () => {
    const loaded = await shas(view.Id!);
    // Someone else saves a draft after the page loaded the view.
    await writeView('SAVED', v2);
    const moved = await shas(view.Id!);
    for (const [path, body] of [
      ['publish', { expectedSha: loaded.saved }],
      ['rollback', { to: 2, expectedSha: loaded.saved }],
    ] as const) {
      const answer = await post(`/api/views/${view.Id}/${path}`, body);
      assert.equal(answer.status, 409, `${path}: ${answer.text}`);
      assert.match(String(answer.json()['error']), /changed since you loaded this page/);
    }
    assert.deepEqual(await shas(view.Id!), moved, 'a refused write changed the view');
    // Someone publishes: a version of the $LATEST the page loaded is no longer what Connect would cut.
    await writeView('PUBLISHED', v2);
    const cut = await post(`/api/views/${view.Id}/versions`, { expectedSha: loaded.latest, description: 'stale' });
    assert.equal(cut.status, 409, cut.text);
    assert.match(String(cut.json()['error']), /changed since you loaded this page/);
    assert.equal((await shas(view.Id!)).versions, loaded.versions);
  });
});
