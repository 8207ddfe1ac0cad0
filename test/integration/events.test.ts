import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { CreateViewVersionCommand, DeleteViewCommand, DeleteViewVersionCommand, UpdateViewContentCommand } from '@aws-sdk/client-connect';
import type { EventEnvelope } from '../../lambda/events/outbox.ts';
import { createView, failure, template } from '../support/fixtures.ts';
import { newInstanceId, useTestService } from '../support/service.ts';

/** Events come from the table's change stream (DynamoDB Local keeps one) into a JSON-lines file. */
const dir = mkdtempSync(join(tmpdir(), 'views-events-'));
const file = join(dir, 'events.jsonl');
const ctx = useTestService({ eventsOutput: file });
after(() => rmSync(dir, { recursive: true, force: true }));

function eventsOf(viewId: string): EventEnvelope[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as EventEnvelope)
    .filter((event) => event.detail.viewId === viewId);
}

describe('events from the change stream', () => {
  it('one event per new version, version deletion and view deletion — none for writes that changed nothing or failed', async () => {
    const instanceId = newInstanceId();
    const view = await createView(ctx.client, instanceId, { template: template('one') });
    const v1 = (await ctx.client.send(new CreateViewVersionCommand({ InstanceId: instanceId, ViewId: view.Id }))).View!;
    await ctx.client.send(new CreateViewVersionCommand({ InstanceId: instanceId, ViewId: view.Id })); // unchanged: no event
    await failure(
      ctx.client.send(new CreateViewVersionCommand({ InstanceId: instanceId, ViewId: view.Id, ViewContentSha256: '0'.repeat(64) })),
    ); // stale: no event
    await ctx.client.send(
      new UpdateViewContentCommand({
        InstanceId: instanceId,
        ViewId: view.Id,
        Status: 'PUBLISHED',
        Content: { Template: template('two') },
      }),
    );
    const v2 = (await ctx.client.send(new CreateViewVersionCommand({ InstanceId: instanceId, ViewId: view.Id }))).View!;
    await ctx.client.send(new DeleteViewVersionCommand({ InstanceId: instanceId, ViewId: view.Id, ViewVersion: 1 }));
    // Already gone: no event.
    await failure(ctx.client.send(new DeleteViewVersionCommand({ InstanceId: instanceId, ViewId: view.Id, ViewVersion: 1 })));
    await ctx.client.send(new DeleteViewCommand({ InstanceId: instanceId, ViewId: view.Id }));

    // Every change committed so far is handled once flush resolves: no waiting on time.
    await ctx.service.events!.flush();
    const events = eventsOf(view.Id!);
    assert.deepEqual(
      eventsOf(view.Id!).map((e) => [e['detail-type'], e.detail.version]),
      [
        ['View Version Published', 1],
        ['View Version Published', 2],
        ['View Version Deleted', 1],
        ['View Deleted', undefined],
      ],
      'exactly these, in this order, and nothing more',
    );
    const [published1, published2, deleted1, deletedView] = events as EventEnvelope[];
    assert.equal(published1!.source, 'views.service');
    assert.equal(published1!.account, ctx.service.accountId);
    assert.equal(published1!.region, ctx.service.region);
    assert.equal(published1!.detail.instanceId, instanceId);
    assert.equal(published1!.detail.viewArn, view.Arn);
    assert.equal(published1!.detail.versionArn, v1.Arn);
    assert.deepEqual(published1!.resources, [v1.Arn]);
    assert.equal(published1!.detail.viewContentSha256, v1.ViewContentSha256);
    assert.equal(published2!.detail.viewContentSha256, v2.ViewContentSha256);
    assert.equal(deleted1!.detail.viewContentSha256, v1.ViewContentSha256);
    assert.deepEqual(deletedView!.resources, [view.Arn]);
    assert.match(published1!.time, /^\d{4}-\d{2}-\d{2}T/);
    assert.equal(new Set(events.map((e) => e.id)).size, 4, 'every event has its own id');
  });
});
