import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  CreateViewCommand,
  CreateViewVersionCommand,
  DeleteViewCommand,
  DeleteViewVersionCommand,
  DescribeViewCommand,
  ListViewsCommand,
  SearchViewsCommand,
  TagResourceCommand,
  UpdateViewContentCommand,
  UpdateViewMetadataCommand,
  ListTagsForResourceCommand,
} from '@aws-sdk/client-connect';
import { viewDeleted } from '#domain/events.ts';
import { createView, failure, listAllVersions, template } from '../support/fixtures.ts';
import { Interleaver } from '../support/interleave.ts';
import { assertStoredConsistently } from '../support/partition.ts';
import { newInstanceId, useTestService } from '../support/service.ts';

/**
 * Every guarded write, with another request forced in between its read and its write. Each test
 * names the condition it proves: without that one condition the write would commit on a stale
 * read and the assertion would fail.
 */
const interleaver = new Interleaver();
const ctx = useTestService({ beforeWrite: interleaver.hook });

const publish = (instanceId: string, viewId: string, marker: string, status: 'PUBLISHED' | 'SAVED' = 'PUBLISHED') =>
  ctx.client.send(
    new UpdateViewContentCommand({
      InstanceId: instanceId,
      ViewId: viewId,
      Status: status,
      Content: { Template: template(marker), Actions: ['Go'] },
    }),
  );
const version = (instanceId: string, viewId: string, extra: { ViewContentSha256?: string } = {}) =>
  ctx.client.send(new CreateViewVersionCommand({ InstanceId: instanceId, ViewId: viewId, ...extra }));
const rename = (instanceId: string, viewId: string, name: string) =>
  ctx.client.send(new UpdateViewMetadataCommand({ InstanceId: instanceId, ViewId: viewId, Name: name }));
const listed = async (instanceId: string) => (await ctx.client.send(new ListViewsCommand({ InstanceId: instanceId }))).ViewsSummaryList!;

function assertRan(hook: { ran: boolean }) {
  assert.ok(hook.ran, 'the other request ran between the read and the write');
}

describe('CreateViewVersion between its read and its write', () => {
  it('a version minted and deleted meanwhile: the next number, never that one again (LastModifiedTime guard)', async () => {
    const instanceId = newInstanceId();
    const view = await createView(ctx.client, instanceId, { template: template('a') });
    await version(instanceId, view.Id!);
    await publish(instanceId, view.Id!, 'b');
    const hook = interleaver.next('publishVersion', async () => {
      assert.equal((await version(instanceId, view.Id!)).View!.Version, 2);
      await ctx.client.send(new DeleteViewVersionCommand({ InstanceId: instanceId, ViewId: view.Id, ViewVersion: 2 }));
    });
    const minted = (await version(instanceId, view.Id!)).View!;
    assertRan(hook);
    assert.equal(minted.Version, 3, 'number 2 was used once and is never minted again');
    assert.deepEqual(await listAllVersions(ctx.client, instanceId, view.Id!), [3, 1]);
  });

  it('$LATEST replaced meanwhile: a ViewContentSha256 precondition is checked at the commit (LastModifiedTime guard)', async () => {
    const instanceId = newInstanceId();
    const view = await createView(ctx.client, instanceId, { template: template('a') });
    const hook = interleaver.next('publishVersion', () => publish(instanceId, view.Id!, 'b'));
    const error = await failure(version(instanceId, view.Id!, { ViewContentSha256: view.ViewContentSha256! }));
    assertRan(hook);
    assert.equal(error.name, 'ResourceInUseException', 'the content the caller vouched for is no longer $LATEST');
    assert.deepEqual(await listAllVersions(ctx.client, instanceId, view.Id!), [], 'nothing was published');
  });

  it('description changed meanwhile: the version snapshots the view as it is when minted (description guard)', async () => {
    const instanceId = newInstanceId();
    const view = await createView(ctx.client, instanceId, { template: template('a'), description: 'before' });
    const hook = interleaver.next('publishVersion', () =>
      ctx.client.send(new UpdateViewMetadataCommand({ InstanceId: instanceId, ViewId: view.Id, Description: 'after' })),
    );
    const minted = (await version(instanceId, view.Id!)).View!;
    assertRan(hook);
    assert.equal(minted.Description, 'after');
    const stored = (await ctx.client.send(new DescribeViewCommand({ InstanceId: instanceId, ViewId: `${view.Id}:1` }))).View!;
    assert.equal(stored.Description, 'after');
  });

  it('a draft saved meanwhile: LastModifiedTime never goes back (LastModifiedTime guard)', async () => {
    const instanceId = newInstanceId();
    const view = await createView(ctx.client, instanceId, { template: template('a') });
    await publish(instanceId, view.Id!, 'b');
    let saved: Date | undefined;
    const hook = interleaver.next('publishVersion', async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      saved = (await publish(instanceId, view.Id!, 'draft', 'SAVED')).View!.LastModifiedTime;
    });
    const minted = (await version(instanceId, view.Id!)).View!;
    assertRan(hook);
    assert.ok(minted.LastModifiedTime! > saved!, 'the version, committed after the draft, has the later time');
    const described = (await ctx.client.send(new DescribeViewCommand({ InstanceId: instanceId, ViewId: `${view.Id}:$SAVED` }))).View!;
    assert.deepEqual(described.LastModifiedTime, minted.LastModifiedTime);
  });

  it('tagged meanwhile: the answer shows the view as it is when minted (tags guard)', async () => {
    const instanceId = newInstanceId();
    const view = await createView(ctx.client, instanceId, { template: template('a') });
    const hook = interleaver.next('publishVersion', () =>
      ctx.client.send(new TagResourceCommand({ resourceArn: view.Arn, tags: { stage: 'new' } })),
    );
    const minted = (await version(instanceId, view.Id!)).View!;
    assertRan(hook);
    assert.deepEqual(minted.Tags, { stage: 'new' });
  });

  it('renamed meanwhile: the version carries the new name and the listing keeps one entry (listing owned-by condition)', async () => {
    const instanceId = newInstanceId();
    const view = await createView(ctx.client, instanceId, { template: template('a'), name: 'old-name' });
    const hook = interleaver.next('publishVersion', () => rename(instanceId, view.Id!, 'new-name'));
    const minted = (await version(instanceId, view.Id!)).View!;
    assertRan(hook);
    assert.equal(minted.Name, 'new-name');
    assert.deepEqual(
      (await listed(instanceId)).map((v) => v.Name),
      ['new-name'],
      'no entry left under the old name',
    );
  });

  it('deleted meanwhile: ResourceNotFoundException and no version written', async () => {
    const instanceId = newInstanceId();
    const view = await createView(ctx.client, instanceId, { template: template('a') });
    const hook = interleaver.next('publishVersion', () =>
      ctx.client.send(new DeleteViewCommand({ InstanceId: instanceId, ViewId: view.Id })),
    );
    const error = await failure(version(instanceId, view.Id!));
    assertRan(hook);
    assert.equal(error.name, 'ResourceNotFoundException');
    assert.equal(await ctx.service.store.readHeadState(instanceId, view.Id!).then((s) => s.head ?? s.deleting), false, 'no ghost head');
  });
});

describe('DeleteViewVersion between its read and its write', () => {
  it('a newer version minted meanwhile stays the highest: unchanged content is not minted again (highest guard)', async () => {
    const instanceId = newInstanceId();
    const view = await createView(ctx.client, instanceId, { template: template('a') });
    await version(instanceId, view.Id!);
    await publish(instanceId, view.Id!, 'b');
    const hook = interleaver.next('deleteVersion', async () => assert.equal((await version(instanceId, view.Id!)).View!.Version, 2));
    await ctx.client.send(new DeleteViewVersionCommand({ InstanceId: instanceId, ViewId: view.Id, ViewVersion: 1 }));
    assertRan(hook);
    const again = (await version(instanceId, view.Id!)).View!;
    assert.equal(again.Version, 2, '$LATEST equals version 2: nothing new to mint');
    assert.deepEqual(await listAllVersions(ctx.client, instanceId, view.Id!), [2]);
  });

  it('the same version deleted meanwhile: exactly one deletion succeeds (version must still exist)', async () => {
    const instanceId = newInstanceId();
    const view = await createView(ctx.client, instanceId, { template: template('a') });
    await version(instanceId, view.Id!);
    // Version 1 is not the highest, so no guard on `highest` stands in for the version's own condition.
    await publish(instanceId, view.Id!, 'b');
    await version(instanceId, view.Id!);
    const remove = () => ctx.client.send(new DeleteViewVersionCommand({ InstanceId: instanceId, ViewId: view.Id, ViewVersion: 1 }));
    const hook = interleaver.next('deleteVersion', remove);
    const error = await failure(remove());
    assertRan(hook);
    assert.equal(error.name, 'ResourceNotFoundException');
  });

  it('a version minted meanwhile: both changes count, and the list of versions is whole (versions counted with ADD)', async () => {
    const instanceId = newInstanceId();
    const view = await createView(ctx.client, instanceId, { template: template('a') });
    await version(instanceId, view.Id!);
    await publish(instanceId, view.Id!, 'b');
    await version(instanceId, view.Id!);
    await publish(instanceId, view.Id!, 'c');
    // Version 1 is not the highest: no guard orders this deletion after the publish.
    const hook = interleaver.next('deleteVersion', () => version(instanceId, view.Id!));
    await ctx.client.send(new DeleteViewVersionCommand({ InstanceId: instanceId, ViewId: view.Id, ViewVersion: 1 }));
    assertRan(hook);
    assert.deepEqual(await listAllVersions(ctx.client, instanceId, view.Id!), [3, 2]);
    assert.equal((await ctx.service.store.readHead(instanceId, view.Id!))!.versions, 2);
  });

  it('the view deleted meanwhile (its purge not yet run): ResourceNotFoundException (head must not be a tombstone)', async () => {
    const instanceId = newInstanceId();
    const view = await createView(ctx.client, instanceId, { template: template('a') });
    await version(instanceId, view.Id!);
    await publish(instanceId, view.Id!, 'b');
    await version(instanceId, view.Id!);
    const { store } = ctx.service;
    const deployment = { partition: 'aws', region: ctx.service.region, accountId: ctx.service.accountId };
    const hook = interleaver.next('deleteVersion', async () => {
      const head = (await store.readHead(instanceId, view.Id!))!;
      await store.beginDelete(head, viewDeleted(deployment, head, randomUUID(), Date.now()), randomUUID());
    });
    // Version 1 is not the highest: only the tombstone check stands between it and a deletion event after "View Deleted".
    const error = await failure(ctx.client.send(new DeleteViewVersionCommand({ InstanceId: instanceId, ViewId: view.Id, ViewVersion: 1 })));
    assertRan(hook);
    assert.equal(error.name, 'ResourceNotFoundException');
  });
});

describe('UpdateViewContent between its read and its write', () => {
  it('another draft saved meanwhile: no content is orphaned (LastModifiedTime guard)', async () => {
    const instanceId = newInstanceId();
    const view = await createView(ctx.client, instanceId, { template: template('a') });
    await publish(instanceId, view.Id!, 's1', 'SAVED');
    const hook = interleaver.next('saveContent', () => publish(instanceId, view.Id!, 's2', 'SAVED'));
    await publish(instanceId, view.Id!, 's3', 'SAVED');
    assertRan(hook);
    await assertStoredConsistently(ctx.service, instanceId, view.Id!);
    const saved = (await ctx.client.send(new DescribeViewCommand({ InstanceId: instanceId, ViewId: `${view.Id}:$SAVED` }))).View!;
    assert.equal(saved.Content!.Template, template('s3'));
  });

  it('description changed or tagged meanwhile: the answer is one state of the view (description and tags guards)', async () => {
    const instanceId = newInstanceId();
    const view = await createView(ctx.client, instanceId, { template: template('a'), description: 'before' });
    let hook = interleaver.next('saveContent', () =>
      ctx.client.send(new UpdateViewMetadataCommand({ InstanceId: instanceId, ViewId: view.Id, Description: 'after' })),
    );
    assert.equal((await publish(instanceId, view.Id!, 'b')).View!.Description, 'after');
    assertRan(hook);
    hook = interleaver.next('saveContent', () => ctx.client.send(new TagResourceCommand({ resourceArn: view.Arn, tags: { t: 'new' } })));
    assert.deepEqual((await publish(instanceId, view.Id!, 'c')).View!.Tags, { t: 'new' });
    assertRan(hook);
  });

  it('renamed meanwhile: one listing entry, under the new name, with the new status', async () => {
    const instanceId = newInstanceId();
    const view = await createView(ctx.client, instanceId, { template: template('a'), name: 'before' });
    const hook = interleaver.next('saveContent', () => rename(instanceId, view.Id!, 'after'));
    await publish(instanceId, view.Id!, 'draft', 'SAVED');
    assertRan(hook);
    assert.deepEqual(
      (await listed(instanceId)).map((v) => [v.Name, v.Status]),
      [['after', 'SAVED']],
    );
  });
});

describe('UpdateViewMetadata (rename) between its read and its write: the new listing entry is current', () => {
  it('description changed meanwhile (description guard)', async () => {
    const instanceId = newInstanceId();
    const view = await createView(ctx.client, instanceId, { name: 'one', description: 'first' });
    const hook = interleaver.next('saveMetadata', () =>
      ctx.client.send(new UpdateViewMetadataCommand({ InstanceId: instanceId, ViewId: view.Id, Description: 'second' })),
    );
    await rename(instanceId, view.Id!, 'two');
    assertRan(hook);
    assert.deepEqual(
      (await listed(instanceId)).map((v) => [v.Name, v.Description]),
      [['two', 'second']],
    );
  });

  it('content saved meanwhile: status and LastModifiedTime (LastModifiedTime guard)', async () => {
    const instanceId = randomUUID();
    const view = await createView(ctx.client, instanceId, { name: 'one', status: 'PUBLISHED' });
    let saved: Date | undefined;
    const hook = interleaver.next('saveMetadata', async () => {
      saved = (await publish(instanceId, view.Id!, 'draft', 'SAVED')).View!.LastModifiedTime;
    });
    await rename(instanceId, view.Id!, 'two');
    assertRan(hook);
    assert.deepEqual(
      (await listed(instanceId)).map((v) => [v.Name, v.Status]),
      [['two', 'SAVED']],
    );
    const found = (await ctx.client.send(new SearchViewsCommand({ InstanceId: instanceId }))).Views!;
    assert.deepEqual(
      found.map((v) => v.LastModifiedTime),
      [saved],
      'SearchViews shows the content write’s time',
    );
  });

  it('tagged meanwhile: SearchViews finds it by the new tag (tags guard)', async () => {
    const instanceId = randomUUID();
    const view = await createView(ctx.client, instanceId, { name: 'one' });
    const hook = interleaver.next('saveMetadata', () =>
      ctx.client.send(new TagResourceCommand({ resourceArn: view.Arn, tags: { team: 'blue' } })),
    );
    await rename(instanceId, view.Id!, 'two');
    assertRan(hook);
    const found = await ctx.client.send(
      new SearchViewsCommand({
        InstanceId: instanceId,
        SearchFilter: { AttributeFilter: { TagCondition: { TagKey: 'team', TagValue: 'blue' } } },
      }),
    );
    assert.deepEqual(
      found.Views!.map((v) => v.Name),
      ['two'],
    );
  });

  it('renamed meanwhile: one entry, the name of the rename that committed last (listing owned-by condition on delete)', async () => {
    const instanceId = newInstanceId();
    const view = await createView(ctx.client, instanceId, { name: 'one' });
    const hook = interleaver.next('saveMetadata', () => rename(instanceId, view.Id!, 'two'));
    await rename(instanceId, view.Id!, 'three');
    assertRan(hook);
    assert.deepEqual(
      (await listed(instanceId)).map((v) => v.Name),
      ['three'],
    );
    assert.equal(
      (await ctx.client.send(new DescribeViewCommand({ InstanceId: instanceId, ViewId: `${view.Id}:$SAVED` }))).View!.Name,
      'three',
    );
  });

  it('the same rename made meanwhile: it succeeds, the name being the view’s own by then (claim and guard failing = a race)', async () => {
    const instanceId = newInstanceId();
    const view = await createView(ctx.client, instanceId, { name: 'one' });
    const hook = interleaver.next('saveMetadata', () => rename(instanceId, view.Id!, 'two'));
    await rename(instanceId, view.Id!, 'two');
    assertRan(hook);
    assert.deepEqual(
      (await listed(instanceId)).map((v) => v.Name),
      ['two'],
    );
  });

  it('the new name taken meanwhile: DuplicateResourceException (name claim)', async () => {
    const instanceId = newInstanceId();
    const view = await createView(ctx.client, instanceId, { name: 'one' });
    const hook = interleaver.next('saveMetadata', () => createView(ctx.client, instanceId, { name: 'taken' }));
    const error = await failure(rename(instanceId, view.Id!, 'taken'));
    assertRan(hook);
    assert.equal(error.name, 'DuplicateResourceException');
    assert.deepEqual((await listed(instanceId)).map((v) => v.Name).sort(), ['one', 'taken']);
  });
});

describe('tags and deletion between read and write', () => {
  it('TagResource racing TagResource: both tags kept (tags guard)', async () => {
    const instanceId = newInstanceId();
    const view = await createView(ctx.client, instanceId, {});
    const hook = interleaver.next('saveTags', () => ctx.client.send(new TagResourceCommand({ resourceArn: view.Arn, tags: { a: '1' } })));
    await ctx.client.send(new TagResourceCommand({ resourceArn: view.Arn, tags: { b: '2' } }));
    assertRan(hook);
    const { tags } = await ctx.client.send(new ListTagsForResourceCommand({ resourceArn: view.Arn }));
    assert.deepEqual(tags, { a: '1', b: '2' });
  });

  it('DeleteView racing a rename: the view leaves no listing entry behind', async () => {
    const instanceId = newInstanceId();
    const view = await createView(ctx.client, instanceId, { name: 'one' });
    const hook = interleaver.next('beginDelete', () => rename(instanceId, view.Id!, 'two'));
    await ctx.client.send(new DeleteViewCommand({ InstanceId: instanceId, ViewId: view.Id }));
    assertRan(hook);
    assert.deepEqual(await listed(instanceId), []);
  });

  it('CreateView racing its own retry with the same ClientToken: one view, both answers name it (token claim)', async () => {
    const instanceId = newInstanceId();
    const request = {
      InstanceId: instanceId,
      Name: 'once',
      Status: 'SAVED' as const,
      Content: { Template: '{}' },
      ClientToken: randomUUID(),
    };
    let inner: string | undefined;
    const hook = interleaver.next('createView', async () => {
      inner = (await ctx.client.send(new CreateViewCommand(request))).View!.Id;
    });
    const outer = (await ctx.client.send(new CreateViewCommand(request))).View!.Id;
    assertRan(hook);
    assert.equal(outer, inner);
    assert.equal((await listed(instanceId)).length, 1);
  });
});
