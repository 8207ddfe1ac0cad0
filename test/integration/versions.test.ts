import assert from 'node:assert/strict';
import { tableClient } from '../support/table-seed.ts';
import { describe, it } from 'node:test';
import {
  CreateViewVersionCommand,
  DeleteViewCommand,
  DeleteViewVersionCommand,
  DescribeViewCommand,
  ListViewVersionsCommand,
  UpdateViewContentCommand,
  UpdateViewMetadataCommand,
} from '@aws-sdk/client-connect';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { viewDeleted } from '#domain/events.ts';
import { createView, failure, listAllVersions, template } from '../support/fixtures.ts';
import { newInstanceId, useTestService } from '../support/service.ts';

const ctx = useTestService();

async function publish(instanceId: string, viewId: string, marker: string) {
  const { View } = await ctx.client.send(
    new UpdateViewContentCommand({
      InstanceId: instanceId,
      ViewId: viewId,
      Status: 'PUBLISHED',
      Content: { Template: template(marker), Actions: ['Go'] },
    }),
  );
  return View!;
}

const allVersions = (instanceId: string, viewId: string, pageSize?: number) => listAllVersions(ctx.client, instanceId, viewId, pageSize);

describe('CreateViewVersion', () => {
  it('mints 1, 2, 3… for changed content and returns the highest for unchanged content, writing nothing', async () => {
    const instanceId = newInstanceId();
    const view = await createView(ctx.client, instanceId, { template: template('a'), description: 'first' });

    const v1 = (await ctx.client.send(new CreateViewVersionCommand({ InstanceId: instanceId, ViewId: view.Id, VersionDescription: 'one' })))
      .View!;
    assert.equal(v1.Version, 1);
    assert.equal(v1.VersionDescription, 'one');
    assert.equal(v1.Arn, `${view.Arn}:1`);
    assert.equal(v1.Status, 'PUBLISHED');
    assert.equal(v1.ViewContentSha256, view.ViewContentSha256);
    assert.equal(v1.Content!.Template, template('a'));

    const again = (
      await ctx.client.send(new CreateViewVersionCommand({ InstanceId: instanceId, ViewId: view.Id, VersionDescription: 'ignored' }))
    ).View!;
    assert.equal(again.Version, 1);
    assert.equal(again.VersionDescription, 'one');
    assert.deepEqual(await allVersions(instanceId, view.Id!), [1]);

    await publish(instanceId, view.Id!, 'b');
    const v2 = (await ctx.client.send(new CreateViewVersionCommand({ InstanceId: instanceId, ViewId: view.Arn }))).View!;
    assert.equal(v2.Version, 2);
    assert.equal(v2.VersionDescription, undefined);
    assert.deepEqual(await allVersions(instanceId, view.Id!), [2, 1]);
  });

  it('LastModifiedTime is the latest of UpdateViewContent and CreateViewVersion: DescribeView shows the version’s time', async () => {
    const instanceId = newInstanceId();
    const view = await createView(ctx.client, instanceId, { template: template('a') });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const v1 = (await ctx.client.send(new CreateViewVersionCommand({ InstanceId: instanceId, ViewId: view.Id }))).View!;
    assert.ok(v1.LastModifiedTime! > view.LastModifiedTime!, 'the version is later than the content');
    for (const qualifier of ['', ':$SAVED']) {
      const described = (await ctx.client.send(new DescribeViewCommand({ InstanceId: instanceId, ViewId: `${view.Id}${qualifier}` })))
        .View!;
      assert.deepEqual(described.LastModifiedTime, v1.LastModifiedTime, `DescribeView ${qualifier || '$LATEST'}`);
    }
    // An unchanged CreateViewVersion publishes nothing and changes no time.
    await new Promise((resolve) => setTimeout(resolve, 20));
    await ctx.client.send(new CreateViewVersionCommand({ InstanceId: instanceId, ViewId: view.Id }));
    const after = (await ctx.client.send(new DescribeViewCommand({ InstanceId: instanceId, ViewId: view.Id }))).View!;
    assert.deepEqual(after.LastModifiedTime, v1.LastModifiedTime);
  });

  it('a saved draft is not what gets versioned: only $LATEST is', async () => {
    const instanceId = newInstanceId();
    const view = await createView(ctx.client, instanceId, { template: template('pub') });
    await ctx.client.send(new CreateViewVersionCommand({ InstanceId: instanceId, ViewId: view.Id }));
    await ctx.client.send(
      new UpdateViewContentCommand({ InstanceId: instanceId, ViewId: view.Id, Status: 'SAVED', Content: { Template: template('draft') } }),
    );
    const version = (await ctx.client.send(new CreateViewVersionCommand({ InstanceId: instanceId, ViewId: view.Id }))).View!;
    assert.equal(version.Version, 1, 'unchanged $LATEST returns the highest version');
    assert.equal(version.Content!.Template, template('pub'));
  });

  it('a stale ViewContentSha256 fails with ResourceInUseException and writes nothing; the current one publishes', async () => {
    const instanceId = newInstanceId();
    const view = await createView(ctx.client, instanceId, { template: template('a') });
    const staleSha = view.ViewContentSha256!;
    const current = await publish(instanceId, view.Id!, 'b');

    const error = await failure(
      ctx.client.send(new CreateViewVersionCommand({ InstanceId: instanceId, ViewId: view.Id, ViewContentSha256: staleSha })),
    );
    assert.equal(error.name, 'ResourceInUseException');
    assert.equal(error.$metadata.httpStatusCode, 409);
    assert.ok(error.message.includes(staleSha) && error.message.includes(current.ViewContentSha256!), 'message names both shas');
    assert.equal((error as unknown as { ResourceId?: string }).ResourceId, view.Arn);
    assert.deepEqual(await allVersions(instanceId, view.Id!), []);

    const v1 = (
      await ctx.client.send(
        new CreateViewVersionCommand({ InstanceId: instanceId, ViewId: view.Id, ViewContentSha256: current.ViewContentSha256 }),
      )
    ).View!;
    assert.equal(v1.Version, 1);
    // Upper-case hex names the same sha.
    const same = (
      await ctx.client.send(
        new CreateViewVersionCommand({
          InstanceId: instanceId,
          ViewId: view.Id,
          ViewContentSha256: current.ViewContentSha256!.toUpperCase(),
        }),
      )
    ).View!;
    assert.equal(same.Version, 1);
  });

  it('checks ViewContentSha256 against $LATEST, not the $SAVED draft beside it', async () => {
    const instanceId = newInstanceId();
    const view = await createView(ctx.client, instanceId, { template: template('a') });
    const published = await publish(instanceId, view.Id!, 'published');
    const draft = (
      await ctx.client.send(
        new UpdateViewContentCommand({
          InstanceId: instanceId,
          ViewId: view.Id,
          Status: 'SAVED',
          Content: { Template: template('draft'), Actions: ['Go'] },
        }),
      )
    ).View!;
    assert.notEqual(draft.ViewContentSha256, published.ViewContentSha256, 'the draft differs from what is published');

    const error = await failure(
      ctx.client.send(
        new CreateViewVersionCommand({ InstanceId: instanceId, ViewId: view.Id, ViewContentSha256: draft.ViewContentSha256 }),
      ),
    );
    assert.equal(error.name, 'ResourceInUseException', 'the draft’s sha is not $LATEST’s');
    assert.deepEqual(await allVersions(instanceId, view.Id!), []);

    const v1 = (
      await ctx.client.send(
        new CreateViewVersionCommand({ InstanceId: instanceId, ViewId: view.Id, ViewContentSha256: published.ViewContentSha256 }),
      )
    ).View!;
    assert.equal(v1.Version, 1);
    assert.equal(v1.Content!.Template, template('published'), 'the version is of $LATEST, not of the draft');
  });

  it('needs something published', async () => {
    const instanceId = newInstanceId();
    const view = await createView(ctx.client, instanceId, { status: 'SAVED' });
    const error = await failure(ctx.client.send(new CreateViewVersionCommand({ InstanceId: instanceId, ViewId: view.Id })));
    assert.equal(error.name, 'InvalidRequestException');
    const missing = await failure(
      ctx.client.send(new CreateViewVersionCommand({ InstanceId: instanceId, ViewId: '00000000-0000-0000-0000-000000000000' })),
    );
    assert.equal(missing.name, 'ResourceNotFoundException');
  });

  it('versions are immutable snapshots: later content and metadata changes leave them as published', async () => {
    const instanceId = newInstanceId();
    const view = await createView(ctx.client, instanceId, { template: template('one'), name: 'original', description: 'before' });
    await ctx.client.send(new CreateViewVersionCommand({ InstanceId: instanceId, ViewId: view.Id, VersionDescription: 'v1' }));
    await publish(instanceId, view.Id!, 'two');
    await ctx.client.send(
      new UpdateViewMetadataCommand({ InstanceId: instanceId, ViewId: view.Id, Name: 'renamed', Description: 'after' }),
    );

    const v1 = (await ctx.client.send(new DescribeViewCommand({ InstanceId: instanceId, ViewId: `${view.Id}:1` }))).View!;
    assert.equal(v1.Version, 1);
    assert.equal(v1.VersionDescription, 'v1');
    assert.equal(v1.Content!.Template, template('one'));
    assert.equal(v1.ViewContentSha256, view.ViewContentSha256);
    assert.equal(v1.Name, 'original');
    assert.equal(v1.Description, 'before');
    assert.equal(v1.Arn, `${view.Arn}:1`);
    const byArn = (await ctx.client.send(new DescribeViewCommand({ InstanceId: instanceId, ViewId: `${view.Arn}:1` }))).View!;
    assert.deepEqual(byArn, v1);

    const latest = (await ctx.client.send(new DescribeViewCommand({ InstanceId: instanceId, ViewId: view.Id }))).View!;
    assert.equal(latest.Name, 'renamed');
    assert.equal(latest.Content!.Template, template('two'));
  });

  it('equal content re-published with other whitespace returns the version with its own text', async () => {
    const instanceId = newInstanceId();
    const compact = '{"a":"$.x","b":[1,2]}';
    const spaced = '{ "b": [1, 2],  "a": "$.x" }';
    const view = await createView(ctx.client, instanceId, { template: compact });
    await ctx.client.send(new CreateViewVersionCommand({ InstanceId: instanceId, ViewId: view.Id }));
    await ctx.client.send(
      new UpdateViewContentCommand({
        InstanceId: instanceId,
        ViewId: view.Id,
        Status: 'PUBLISHED',
        Content: { Template: spaced, Actions: ['Submit'] },
      }),
    );
    const version = (await ctx.client.send(new CreateViewVersionCommand({ InstanceId: instanceId, ViewId: view.Id }))).View!;
    assert.equal(version.Version, 1);
    assert.equal(version.Content!.Template, compact);
  });
});

describe('ListViewVersions and DeleteViewVersion', () => {
  it('lists highest first across pages, without an empty trailing page', async () => {
    const instanceId = newInstanceId();
    const view = await createView(ctx.client, instanceId, { template: template(0) });
    for (let i = 1; i <= 7; i++) {
      await ctx.client.send(new CreateViewVersionCommand({ InstanceId: instanceId, ViewId: view.Id, VersionDescription: `v${i}` }));
      await publish(instanceId, view.Id!, String(i));
    }
    assert.deepEqual(await allVersions(instanceId, view.Id!, 3), [7, 6, 5, 4, 3, 2, 1]);
    const first = await ctx.client.send(new ListViewVersionsCommand({ InstanceId: instanceId, ViewId: view.Arn, MaxResults: 7 }));
    assert.equal(first.NextToken, undefined);
    const summary = first.ViewVersionSummaryList![0]!;
    assert.equal(summary.Id, view.Id);
    assert.equal(summary.Arn, `${view.Arn}:7`);
    assert.equal(summary.Name, view.Name);
    assert.equal(summary.Type, 'CUSTOMER_MANAGED');
    assert.equal(summary.VersionDescription, 'v7');
  });

  it('a view without versions lists none; an unknown view is ResourceNotFound; tokens are bound to their view', async () => {
    const instanceId = newInstanceId();
    const view = await createView(ctx.client, instanceId);
    assert.deepEqual(
      (await ctx.client.send(new ListViewVersionsCommand({ InstanceId: instanceId, ViewId: view.Id }))).ViewVersionSummaryList,
      [],
    );
    const missing = await failure(
      ctx.client.send(new ListViewVersionsCommand({ InstanceId: instanceId, ViewId: '00000000-0000-0000-0000-000000000000' })),
    );
    assert.equal(missing.name, 'ResourceNotFoundException');

    await ctx.client.send(new CreateViewVersionCommand({ InstanceId: instanceId, ViewId: view.Id }));
    await publish(instanceId, view.Id!, 'x');
    await ctx.client.send(new CreateViewVersionCommand({ InstanceId: instanceId, ViewId: view.Id }));
    const page = await ctx.client.send(new ListViewVersionsCommand({ InstanceId: instanceId, ViewId: view.Id, MaxResults: 1 }));
    const other = await createView(ctx.client, instanceId);
    const error = await failure(
      ctx.client.send(new ListViewVersionsCommand({ InstanceId: instanceId, ViewId: other.Id, NextToken: page.NextToken })),
    );
    assert.equal(error.name, 'InvalidParameterException');
  });

  it('deleting a version never frees its number; deleting the highest makes the next publish mint a new one', async () => {
    const instanceId = newInstanceId();
    const view = await createView(ctx.client, instanceId, { template: template('a') });
    await ctx.client.send(new CreateViewVersionCommand({ InstanceId: instanceId, ViewId: view.Id }));
    await publish(instanceId, view.Id!, 'b');
    await ctx.client.send(new CreateViewVersionCommand({ InstanceId: instanceId, ViewId: view.Id }));

    await ctx.client.send(new DeleteViewVersionCommand({ InstanceId: instanceId, ViewId: view.Id, ViewVersion: 2 }));
    assert.deepEqual(await allVersions(instanceId, view.Id!), [1]);
    const gone = await failure(ctx.client.send(new DescribeViewCommand({ InstanceId: instanceId, ViewId: `${view.Id}:2` })));
    assert.equal(gone.name, 'ResourceNotFoundException');

    const v3 = (await ctx.client.send(new CreateViewVersionCommand({ InstanceId: instanceId, ViewId: view.Id }))).View!;
    assert.equal(v3.Version, 3, 'unchanged content after deleting the highest still mints a new number');
    assert.equal(v3.Content!.Template, template('b'));

    await ctx.client.send(new DeleteViewVersionCommand({ InstanceId: instanceId, ViewId: view.Id, ViewVersion: 1 }));
    const again = (await ctx.client.send(new CreateViewVersionCommand({ InstanceId: instanceId, ViewId: view.Id }))).View!;
    assert.equal(again.Version, 3, 'deleting a lower version does not disturb the highest');
    assert.deepEqual(await allVersions(instanceId, view.Id!), [3]);

    const twice = await failure(ctx.client.send(new DeleteViewVersionCommand({ InstanceId: instanceId, ViewId: view.Id, ViewVersion: 1 })));
    assert.equal(twice.name, 'ResourceNotFoundException');
    const never = await failure(
      ctx.client.send(new DeleteViewVersionCommand({ InstanceId: instanceId, ViewId: view.Id, ViewVersion: 99 })),
    );
    assert.equal(never.name, 'ResourceNotFoundException');
    const zero = await failure(ctx.client.send(new DeleteViewVersionCommand({ InstanceId: instanceId, ViewId: view.Id, ViewVersion: 0 })));
    assert.equal(zero.name, 'InvalidParameterException');
  });

  it('DeleteView takes every version with it', async () => {
    const instanceId = newInstanceId();
    const view = await createView(ctx.client, instanceId, { template: template('a') });
    for (let i = 0; i < 3; i++) {
      await publish(instanceId, view.Id!, `v${i}`);
      await ctx.client.send(new CreateViewVersionCommand({ InstanceId: instanceId, ViewId: view.Id }));
    }
    await ctx.client.send(new DeleteViewCommand({ InstanceId: instanceId, ViewId: view.Id }));
    const leftovers = await tableClient().send(
      new QueryCommand({
        TableName: ctx.service.tableName,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': `VIEW#${instanceId}#${view.Id}` },
      }),
    );
    assert.equal(leftovers.Count, 0, 'no item of the view remains in the table');
    const error = await failure(ctx.client.send(new DescribeViewCommand({ InstanceId: instanceId, ViewId: `${view.Id}:1` })));
    assert.equal(error.name, 'ResourceNotFoundException');
  });

  it('a NextToken issued before DeleteView lists nothing of the deleted view: ResourceNotFoundException', async () => {
    const instanceId = newInstanceId();
    const view = await createView(ctx.client, instanceId, { template: template('a') });
    for (let i = 0; i < 3; i++) {
      await publish(instanceId, view.Id!, `t${i}`);
      await ctx.client.send(new CreateViewVersionCommand({ InstanceId: instanceId, ViewId: view.Id }));
    }
    const first = await ctx.client.send(new ListViewVersionsCommand({ InstanceId: instanceId, ViewId: view.Id, MaxResults: 1 }));
    assert.ok(first.NextToken);
    // The view goes, its versions stay until its purge: the token must not reach them.
    const { store } = ctx.service;
    const head = (await store.readHead(instanceId, view.Id!))!;
    const deployment = { partition: 'aws', region: ctx.service.region, accountId: ctx.service.accountId };
    await store.beginDelete(head, viewDeleted(deployment, head, 'event-id', Date.now()), 'purge-id');
    const error = await failure(
      ctx.client.send(new ListViewVersionsCommand({ InstanceId: instanceId, ViewId: view.Id, MaxResults: 1, NextToken: first.NextToken })),
    );
    assert.equal(error.name, 'ResourceNotFoundException');
    await store.purgeView(instanceId, view.Id!, Date.now() + 10_000);
    const purged = await failure(
      ctx.client.send(new ListViewVersionsCommand({ InstanceId: instanceId, ViewId: view.Id, MaxResults: 1, NextToken: first.NextToken })),
    );
    assert.equal(purged.name, 'ResourceNotFoundException', 'and after the purge, too');
  });

  it('a DeleteView cut short by its deadline leaves the view gone, and the next DeleteView finishes the purge', async () => {
    const instanceId = newInstanceId();
    const view = await createView(ctx.client, instanceId, { template: template('a'), name: 'interrupted' });
    for (let i = 0; i < 3; i++) {
      await publish(instanceId, view.Id!, `p${i}`);
      await ctx.client.send(new CreateViewVersionCommand({ InstanceId: instanceId, ViewId: view.Id }));
    }
    // What DeleteView does, with a deadline that has already passed: step one commits, the purge yields.
    const { store } = ctx.service;
    const head = (await store.readHead(instanceId, view.Id!))!;
    const deployment = { partition: 'aws', region: ctx.service.region, accountId: ctx.service.accountId };
    await store.beginDelete(head, viewDeleted(deployment, head, 'event-id', Date.now()), 'purge-id');
    assert.equal(await store.purgeView(instanceId, view.Id!, Date.now() - 1), false);

    const gone = await failure(ctx.client.send(new DescribeViewCommand({ InstanceId: instanceId, ViewId: `${view.Id}:1` })));
    assert.equal(gone.name, 'ResourceNotFoundException', 'the view is gone at once');
    await createView(ctx.client, instanceId, { name: 'interrupted' });

    await ctx.client.send(new DeleteViewCommand({ InstanceId: instanceId, ViewId: view.Id }));
    const left = await tableClient().send(
      new QueryCommand({
        TableName: ctx.service.tableName,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': `VIEW#${instanceId}#${view.Id}` },
      }),
    );
    assert.equal(left.Count, 0, 'the repeated DeleteView purged everything');
    const again = await failure(ctx.client.send(new DeleteViewCommand({ InstanceId: instanceId, ViewId: view.Id })));
    assert.equal(again.name, 'ResourceNotFoundException');
  });
});
