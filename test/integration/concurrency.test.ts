import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CreateViewCommand,
  CreateViewVersionCommand,
  DescribeViewCommand,
  ListTagsForResourceCommand,
  ListViewsCommand,
  TagResourceCommand,
  UpdateViewContentCommand,
  UpdateViewMetadataCommand,
  type View,
} from '@aws-sdk/client-connect';
import { createView, listAllVersions, template } from '../support/fixtures.ts';
import { newInstanceId, useTestService } from '../support/service.ts';

const ctx = useTestService();

const listVersions = (instanceId: string, viewId: string) => listAllVersions(ctx.client, instanceId, viewId);

function errorName(error: unknown): string {
  return (error as Error).name;
}

/**
 * Sends as a careful caller does: a view written by so many requests at once that one could not get its
 * write in within the service's retry budget answers ResourceInUseException, "retry the request" (docs/api.md).
 * On a loaded machine that budget can run out; what must never happen is a lost update.
 */
async function sendRetryingInUse<T>(send: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await send();
    } catch (error) {
      if (errorName(error) !== 'ResourceInUseException' || attempt >= attempts) throw error;
    }
  }
}

describe('CreateViewVersion under concurrency', () => {
  it('N concurrent publishers of the same base mint exactly one version and all get it', async () => {
    const instanceId = newInstanceId();
    const view = await createView(ctx.client, instanceId);
    await ctx.client.send(new CreateViewVersionCommand({ InstanceId: instanceId, ViewId: view.Id }));
    const published = await ctx.client.send(
      new UpdateViewContentCommand({
        InstanceId: instanceId,
        ViewId: view.Id,
        Status: 'PUBLISHED',
        Content: { Template: template('next'), Actions: [] },
      }),
    );
    const base = published.View!.ViewContentSha256!;

    const results = await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        ctx.client.send(
          new CreateViewVersionCommand({ InstanceId: instanceId, ViewId: view.Id, ...(i % 2 ? { ViewContentSha256: base } : {}) }),
        ),
      ),
    );
    assert.deepEqual(new Set(results.map((r) => r.View!.Version)), new Set([2]));
    assert.deepEqual(await listVersions(instanceId, view.Id!), [2, 1]);
  });

  it('racing update-then-publish pairs: each success owns a version of its own content; losers get ResourceInUse', async () => {
    const instanceId = newInstanceId();
    const view = await createView(ctx.client, instanceId);
    const workers = 32;
    const outcomes = await Promise.all(
      Array.from({ length: workers }, async (_, worker) => {
        const mine = template(`racer-${worker}`);
        try {
          const updated = await ctx.client.send(
            new UpdateViewContentCommand({
              InstanceId: instanceId,
              ViewId: view.Id,
              Status: 'PUBLISHED',
              Content: { Template: mine, Actions: ['Go'] },
            }),
          );
          const { View } = await ctx.client.send(
            new CreateViewVersionCommand({ InstanceId: instanceId, ViewId: view.Id, ViewContentSha256: updated.View!.ViewContentSha256 }),
          );
          return { worker, version: View!.Version!, template: View!.Content!.Template!, mine };
        } catch (error) {
          return { worker, error: errorName(error) };
        }
      }),
    );
    const wins = outcomes.filter((o) => 'version' in o) as { worker: number; version: number; template: string; mine: string }[];
    const losses = outcomes.filter((o) => 'error' in o) as { error: string }[];
    assert.ok(wins.length >= 1, 'someone wins');
    for (const loss of losses) assert.equal(loss.error, 'ResourceInUseException');
    for (const win of wins) assert.equal(win.template, win.mine, 'a winner’s version holds the winner’s content');
    assert.equal(new Set(wins.map((w) => w.version)).size, wins.length, 'no two successes share a version');

    console.log(`# racing pairs: ${wins.length} of ${workers} published a version, ${losses.length} were told ResourceInUseException`);
    const stored = await listVersions(instanceId, view.Id!);
    assert.deepEqual(
      [...stored].sort((a, b) => a - b),
      wins.map((w) => w.version).sort((a, b) => a - b),
      'no version without a matching success',
    );
    assert.deepEqual(
      [...stored].sort((a, b) => a - b),
      Array.from({ length: stored.length }, (_, i) => i + 1),
      'contiguous from 1',
    );
    for (const win of wins) {
      const { View } = await ctx.client.send(new DescribeViewCommand({ InstanceId: instanceId, ViewId: `${view.Id}:${win.version}` }));
      assert.equal(View!.Content!.Template, win.mine);
    }
  });

  it('contended read → update → publish chains give contiguous versions, real-time order, and versions that never change', async () => {
    const instanceId = newInstanceId();
    const view = await createView(ctx.client, instanceId);
    const workers = 6;
    const publishesEach = 5;
    const successes: { version: number; template: string; start: number; end: number; view: View }[] = [];
    let conflicts = 0;

    await Promise.all(
      Array.from({ length: workers }, async (_, worker) => {
        for (let done = 0; done < publishesEach; ) {
          const mine = template(`chain-${worker}-${done}`);
          try {
            await ctx.client.send(new DescribeViewCommand({ InstanceId: instanceId, ViewId: view.Id }));
            const updated = await ctx.client.send(
              new UpdateViewContentCommand({
                InstanceId: instanceId,
                ViewId: view.Id,
                Status: 'PUBLISHED',
                Content: { Template: mine, Actions: [] },
              }),
            );
            const start = performance.now();
            const { View } = await ctx.client.send(
              new CreateViewVersionCommand({ InstanceId: instanceId, ViewId: view.Id, ViewContentSha256: updated.View!.ViewContentSha256 }),
            );
            successes.push({ version: View!.Version!, template: mine, start, end: performance.now(), view: View! });
            done++;
          } catch (error) {
            if (errorName(error) !== 'ResourceInUseException') throw error;
            conflicts++;
          }
        }
      }),
    );

    const versions = successes.map((s) => s.version).sort((a, b) => a - b);
    assert.deepEqual(
      versions,
      Array.from({ length: workers * publishesEach }, (_, i) => i + 1),
      'exactly 1..N, no gap, no duplicate',
    );
    for (const a of successes) {
      for (const b of successes) {
        if (a.end < b.start) assert.ok(a.version < b.version, `v${a.version} returned before v${b.version} started`);
      }
    }
    const stored = await listVersions(instanceId, view.Id!);
    assert.equal(stored[0], workers * publishesEach, 'the highest stored version');
    const head = await ctx.service.store.readHead(instanceId, view.Id!);
    assert.equal(head!.versionCounter, workers * publishesEach, 'the head’s counter equals the highest version');
    for (const success of successes) {
      const { View } = await ctx.client.send(new DescribeViewCommand({ InstanceId: instanceId, ViewId: `${view.Id}:${success.version}` }));
      assert.equal(View!.Content!.Template, success.template, `version ${success.version} is what its caller published`);
      // Re-read at the end: nothing about a version changed after it was returned.
      const { Tags: _now, ...storedNow } = View!;
      const { Tags: _then, ...returned } = success.view;
      assert.deepEqual(storedNow, returned, `version ${success.version} is unchanged`);
    }
    console.log(`# contended chains: ${successes.length} publishes, ${conflicts} stale-sha retries`);
  });
});

describe('CreateView under concurrency', () => {
  it('racing creates of one name: exactly one view, the others DuplicateResourceException', async () => {
    const instanceId = newInstanceId();
    const outcomes = await Promise.allSettled(Array.from({ length: 16 }, () => createView(ctx.client, instanceId, { name: 'contested' })));
    const created = outcomes.filter((o) => o.status === 'fulfilled');
    assert.equal(created.length, 1);
    for (const o of outcomes) if (o.status === 'rejected') assert.equal(errorName(o.reason), 'DuplicateResourceException');
    const listed = await ctx.client.send(new ListViewsCommand({ InstanceId: instanceId }));
    assert.equal(listed.ViewsSummaryList!.length, 1);
  });

  it('racing retries with one ClientToken all get the one view it created', async () => {
    const instanceId = newInstanceId();
    const request = {
      InstanceId: instanceId,
      Name: 'idempotent',
      Status: 'SAVED' as const,
      Content: { Template: '{}' },
      ClientToken: 'retry-me',
    };
    const results = await Promise.all(Array.from({ length: 16 }, () => ctx.client.send(new CreateViewCommand(request))));
    assert.equal(new Set(results.map((r) => r.View!.Id)).size, 1);
    const listed = await ctx.client.send(new ListViewsCommand({ InstanceId: instanceId }));
    assert.equal(listed.ViewsSummaryList!.length, 1);
  });
});

describe('mixed writers on one view', () => {
  it('content, metadata, tag and version writers never lose each other’s updates; the listing matches the head', async () => {
    const instanceId = newInstanceId();
    const view = await createView(ctx.client, instanceId, { name: 'mixed-0' });
    const rounds = 6;
    const send = (command: any) => sendRetryingInUse(() => ctx.client.send(command));
    const tagKeys: string[] = [];
    const work: Promise<unknown>[] = [];
    for (let i = 0; i < rounds; i++) {
      const tagKey = `k${i}`;
      tagKeys.push(tagKey);
      work.push(send(new TagResourceCommand({ resourceArn: view.Arn, tags: { [tagKey]: String(i) } })));
      work.push(send(new UpdateViewMetadataCommand({ InstanceId: instanceId, ViewId: view.Id, Description: `description ${i}` })));
      work.push(
        send(
          new UpdateViewContentCommand({
            InstanceId: instanceId,
            ViewId: view.Id,
            Status: i % 2 ? 'SAVED' : 'PUBLISHED',
            Content: { Template: template(`mixed-${i}`) },
          }),
        ),
      );
      work.push(send(new CreateViewVersionCommand({ InstanceId: instanceId, ViewId: view.Id })));
      work.push(send(new UpdateViewMetadataCommand({ InstanceId: instanceId, ViewId: view.Id, Name: `mixed-${i + 1}` })));
    }
    await Promise.all(work);

    const { tags } = await ctx.client.send(new ListTagsForResourceCommand({ resourceArn: view.Arn }));
    assert.deepEqual(Object.keys(tags!).sort(), tagKeys.sort(), 'every tag write survived');
    const saved = (await ctx.client.send(new DescribeViewCommand({ InstanceId: instanceId, ViewId: `${view.Id}:$SAVED` }))).View!;
    const listed = (await ctx.client.send(new ListViewsCommand({ InstanceId: instanceId }))).ViewsSummaryList!;
    assert.equal(listed.length, 1, 'one listing entry, whatever the renames');
    assert.equal(listed[0]!.Name, saved.Name);
    assert.equal(listed[0]!.Description, saved.Description);
    assert.equal(listed[0]!.Status, saved.Status);
    const versions = await listVersions(instanceId, view.Id!);
    assert.deepEqual(
      [...versions].sort((a, b) => a - b),
      Array.from({ length: versions.length }, (_, i) => i + 1),
    );
  });
});
