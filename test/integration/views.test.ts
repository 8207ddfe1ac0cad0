import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CreateViewCommand,
  DeleteViewCommand,
  DescribeViewCommand,
  ListTagsForResourceCommand,
  ListViewsCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateViewContentCommand,
  UpdateViewMetadataCommand,
} from '@aws-sdk/client-connect';
import { createView, failure, template, uniqueName } from '../support/fixtures.ts';
import { newInstanceId, useTestService } from '../support/service.ts';

const ctx = useTestService();

describe('CreateView and DescribeView', () => {
  it('creates a published view readable as $LATEST, $SAVED, bare id and ARN', async () => {
    const instanceId = newInstanceId();
    const created = await createView(ctx.client, instanceId, { description: 'A form', tags: { team: 'support' } });
    assert.match(created.Id!, /^[0-9a-f-]{36}$/);
    assert.equal(created.Arn, `arn:aws:connect:us-east-1:000000000000:instance/${instanceId}/view/${created.Id}`);
    assert.equal(created.Status, 'PUBLISHED');
    assert.equal(created.Type, 'CUSTOMER_MANAGED');
    assert.equal(created.Description, 'A form');
    assert.deepEqual(created.Tags, { team: 'support' });
    assert.ok(created.CreatedTime instanceof Date && Math.abs(created.CreatedTime.getTime() - Date.now()) < 60_000);
    assert.match(created.ViewContentSha256!, /^[0-9a-f]{64}$/);
    assert.equal(created.Version, undefined);
    assert.deepEqual(JSON.parse(created.Content!.InputSchema!), {
      type: 'object',
      properties: { Customer: { type: 'object', properties: { Name: {} } }, Title: {} },
    });

    for (const viewId of [created.Id!, created.Arn!, `${created.Id}:$LATEST`, `${created.Arn}:$LATEST`, `${created.Id}:$SAVED`]) {
      const { View } = await ctx.client.send(new DescribeViewCommand({ InstanceId: instanceId, ViewId: viewId }));
      assert.equal(View!.Id, created.Id, viewId);
      assert.equal(View!.Content!.Template, created.Content!.Template);
      assert.deepEqual(View!.Content!.Actions, ['Submit']);
      assert.equal(View!.ViewContentSha256, created.ViewContentSha256);
      assert.equal(View!.Version, undefined);
      assert.equal(View!.VersionDescription, undefined);
      assert.equal(View!.Status, 'PUBLISHED');
    }
  });

  it('accepts an instance ARN wherever an InstanceId goes', async () => {
    const instanceId = newInstanceId();
    const instanceArn = `arn:aws:connect:us-east-1:000000000000:instance/${instanceId}`;
    const created = await createView(ctx.client, instanceArn);
    assert.equal(created.Arn, `${instanceArn}/view/${created.Id}`);
    const { View } = await ctx.client.send(new DescribeViewCommand({ InstanceId: instanceArn, ViewId: created.Arn }));
    assert.equal(View!.Id, created.Id);
  });

  it('a SAVED view has $SAVED but no $LATEST until it is published', async () => {
    const instanceId = newInstanceId();
    const created = await createView(ctx.client, instanceId, { status: 'SAVED', template: 'draft, not JSON yet' });
    assert.equal(created.Status, 'SAVED');
    const saved = await ctx.client.send(new DescribeViewCommand({ InstanceId: instanceId, ViewId: `${created.Id}:$SAVED` }));
    assert.equal(saved.View!.Status, 'SAVED');
    assert.equal(saved.View!.Content!.Template, 'draft, not JSON yet');
    for (const viewId of [created.Id!, `${created.Id}:$LATEST`]) {
      const error = await failure(ctx.client.send(new DescribeViewCommand({ InstanceId: instanceId, ViewId: viewId })));
      assert.equal(error.name, 'ResourceNotFoundException');
      assert.match(error.message, /never been published/);
    }
  });

  it('describing an unknown view, version, or a view of another instance is ResourceNotFound', async () => {
    const instanceId = newInstanceId();
    const created = await createView(ctx.client, instanceId);
    for (const [instance, viewId] of [
      [instanceId, '00000000-0000-0000-0000-000000000000'],
      [instanceId, `${created.Id}:7`],
      [newInstanceId(), created.Id!],
      [newInstanceId(), created.Arn!],
    ] as const) {
      const error = await failure(ctx.client.send(new DescribeViewCommand({ InstanceId: instance, ViewId: viewId })));
      assert.equal(error.name, 'ResourceNotFoundException', `${instance} ${viewId}`);
      assert.equal(error.$metadata.httpStatusCode, 404);
    }
  });

  it('names are unique within an instance, not across instances', async () => {
    const instanceId = newInstanceId();
    const name = uniqueName('dup');
    await createView(ctx.client, instanceId, { name });
    const error = await failure(createView(ctx.client, instanceId, { name }));
    assert.equal(error.name, 'DuplicateResourceException');
    assert.equal(error.$metadata.httpStatusCode, 409);
    await createView(ctx.client, newInstanceId(), { name });
  });

  it('a ClientToken makes CreateView idempotent and refuses reuse with another request', async () => {
    const instanceId = newInstanceId();
    const request = {
      InstanceId: instanceId,
      Name: uniqueName(),
      Status: 'SAVED' as const,
      Content: { Template: '{}' },
      ClientToken: 'token-1',
    };
    const first = await ctx.client.send(new CreateViewCommand(request));
    const second = await ctx.client.send(new CreateViewCommand(request));
    assert.equal(second.View!.Id, first.View!.Id);
    const list = await ctx.client.send(new ListViewsCommand({ InstanceId: instanceId }));
    assert.equal(list.ViewsSummaryList!.length, 1);
    const error = await failure(ctx.client.send(new CreateViewCommand({ ...request, Name: uniqueName() })));
    assert.equal(error.name, 'InvalidRequestException');
    // The same token in another instance is another token.
    await ctx.client.send(new CreateViewCommand({ ...request, InstanceId: newInstanceId() }));
  });
});

describe('UpdateViewContent', () => {
  it('SAVED replaces $SAVED only; PUBLISHED replaces both aliases', async () => {
    const instanceId = newInstanceId();
    const created = await createView(ctx.client, instanceId, { template: template('v1') });

    const saved = await ctx.client.send(
      new UpdateViewContentCommand({
        InstanceId: instanceId,
        ViewId: created.Id,
        Status: 'SAVED',
        Content: { Template: template('draft'), Actions: ['A'] },
      }),
    );
    assert.equal(saved.View!.Status, 'SAVED');
    assert.equal(saved.View!.Content!.Template, template('draft'));
    const latest = await ctx.client.send(new DescribeViewCommand({ InstanceId: instanceId, ViewId: created.Id }));
    assert.equal(latest.View!.Content!.Template, template('v1'));
    assert.equal(latest.View!.ViewContentSha256, created.ViewContentSha256);
    const draft = await ctx.client.send(new DescribeViewCommand({ InstanceId: instanceId, ViewId: `${created.Id}:$SAVED` }));
    assert.equal(draft.View!.Content!.Template, template('draft'));
    assert.equal(draft.View!.Status, 'SAVED');

    const published = await ctx.client.send(
      new UpdateViewContentCommand({
        InstanceId: instanceId,
        ViewId: created.Arn,
        Status: 'PUBLISHED',
        Content: { Template: template('v2'), Actions: ['B'] },
      }),
    );
    for (const viewId of [created.Id!, `${created.Id}:$SAVED`]) {
      const { View } = await ctx.client.send(new DescribeViewCommand({ InstanceId: instanceId, ViewId: viewId }));
      assert.equal(View!.Content!.Template, template('v2'));
      assert.deepEqual(View!.Content!.Actions, ['B']);
      assert.equal(View!.ViewContentSha256, published.View!.ViewContentSha256);
      assert.equal(View!.Status, 'PUBLISHED');
    }
    const listed = await ctx.client.send(new ListViewsCommand({ InstanceId: instanceId }));
    assert.equal(listed.ViewsSummaryList![0]!.Status, 'PUBLISHED');
  });

  it('PUBLISHED runs full validation and changes nothing when it fails', async () => {
    const instanceId = newInstanceId();
    const created = await createView(ctx.client, instanceId);
    for (const content of [{ Template: 'not json' }, { Template: '[]' }, { Template: '{}', Actions: ['X', 'X'] }]) {
      const error = await failure(
        ctx.client.send(
          new UpdateViewContentCommand({ InstanceId: instanceId, ViewId: created.Id, Status: 'PUBLISHED', Content: content }),
        ),
      );
      assert.equal(error.name, 'InvalidRequestException');
    }
    const { View } = await ctx.client.send(new DescribeViewCommand({ InstanceId: instanceId, ViewId: `${created.Id}:$SAVED` }));
    assert.equal(View!.ViewContentSha256, created.ViewContentSha256);
  });

  it('refuses a qualified ViewId', async () => {
    const instanceId = newInstanceId();
    const created = await createView(ctx.client, instanceId);
    const error = await failure(
      ctx.client.send(
        new UpdateViewContentCommand({
          InstanceId: instanceId,
          ViewId: `${created.Id}:$SAVED`,
          Status: 'SAVED',
          Content: { Template: '{}' },
        }),
      ),
    );
    assert.equal(error.name, 'InvalidParameterException');
  });
});

describe('UpdateViewMetadata', () => {
  it('renames and re-describes; the old name is free again and a taken one is refused', async () => {
    const instanceId = newInstanceId();
    const a = await createView(ctx.client, instanceId, { name: 'alpha' });
    await createView(ctx.client, instanceId, { name: 'beta' });
    await ctx.client.send(new UpdateViewMetadataCommand({ InstanceId: instanceId, ViewId: a.Id, Name: 'gamma', Description: 'renamed' }));
    const { View } = await ctx.client.send(new DescribeViewCommand({ InstanceId: instanceId, ViewId: a.Id }));
    assert.equal(View!.Name, 'gamma');
    assert.equal(View!.Description, 'renamed');
    // LastModifiedTime is the time of the last UpdateViewContent or CreateViewVersion, not of a rename.
    assert.deepEqual(View!.LastModifiedTime, a.LastModifiedTime);

    const taken = await failure(ctx.client.send(new UpdateViewMetadataCommand({ InstanceId: instanceId, ViewId: a.Id, Name: 'beta' })));
    assert.equal(taken.name, 'DuplicateResourceException');
    await createView(ctx.client, instanceId, { name: 'alpha' });

    const names = (await ctx.client.send(new ListViewsCommand({ InstanceId: instanceId }))).ViewsSummaryList!.map((v) => v.Name);
    assert.deepEqual(names, ['alpha', 'beta', 'gamma']);

    await ctx.client.send(new UpdateViewMetadataCommand({ InstanceId: instanceId, ViewId: a.Id, Description: 'only the description' }));
    const listed = (await ctx.client.send(new ListViewsCommand({ InstanceId: instanceId }))).ViewsSummaryList!.find((v) => v.Id === a.Id);
    assert.equal(listed!.Description, 'only the description');
    assert.equal(listed!.Name, 'gamma');
  });

  it('needs Name or Description', async () => {
    const instanceId = newInstanceId();
    const created = await createView(ctx.client, instanceId);
    const error = await failure(ctx.client.send(new UpdateViewMetadataCommand({ InstanceId: instanceId, ViewId: created.Id })));
    assert.equal(error.name, 'InvalidParameterException');
  });
});

describe('ListViews', () => {
  it('sorts by type then name, filters by type and pages with opaque tokens', async () => {
    const instanceId = newInstanceId();
    const names = ['delta', 'Alpha', 'charlie', 'bravo', 'echo'];
    for (const name of names) await createView(ctx.client, instanceId, { name });
    const expected = [...names].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));

    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await ctx.client.send(
        new ListViewsCommand({ InstanceId: instanceId, MaxResults: 2, ...(token ? { NextToken: token } : {}) }),
      );
      assert.ok(page.ViewsSummaryList!.length <= 2);
      seen.push(...page.ViewsSummaryList!.map((v) => v.Name!));
      token = page.NextToken;
      pages++;
    } while (token);
    assert.deepEqual(seen, expected);
    assert.equal(pages, 3, 'no empty trailing page');

    const customer = await ctx.client.send(new ListViewsCommand({ InstanceId: instanceId, Type: 'CUSTOMER_MANAGED' }));
    assert.equal(customer.ViewsSummaryList!.length, 5);
    const aws = await ctx.client.send(new ListViewsCommand({ InstanceId: instanceId, Type: 'AWS_MANAGED' }));
    assert.deepEqual(aws.ViewsSummaryList, []);
    const empty = await ctx.client.send(new ListViewsCommand({ InstanceId: newInstanceId() }));
    assert.deepEqual(empty.ViewsSummaryList, []);
    assert.equal(empty.NextToken, undefined);
  });

  it('refuses a token from another listing or one that was altered', async () => {
    const instanceId = newInstanceId();
    for (let i = 0; i < 3; i++) await createView(ctx.client, instanceId);
    const page = await ctx.client.send(new ListViewsCommand({ InstanceId: instanceId, MaxResults: 1 }));
    const token = page.NextToken!;
    for (const [instance, candidate, type] of [
      [newInstanceId(), token, undefined],
      [instanceId, token, 'CUSTOMER_MANAGED'],
      [instanceId, `x${token}`, undefined],
    ] as const) {
      const error = await failure(
        ctx.client.send(new ListViewsCommand({ InstanceId: instance, NextToken: candidate, ...(type ? { Type: type } : {}) })),
      );
      assert.equal(error.name, 'InvalidParameterException');
    }
  });
});

describe('DeleteView', () => {
  it('removes the view with its aliases, versions, name and tags', async () => {
    const instanceId = newInstanceId();
    const name = uniqueName();
    const created = await createView(ctx.client, instanceId, { name, tags: { a: '1' } });
    await ctx.client.send(new DeleteViewCommand({ InstanceId: instanceId, ViewId: created.Arn }));
    for (const viewId of [created.Id!, `${created.Id}:$SAVED`]) {
      const error = await failure(ctx.client.send(new DescribeViewCommand({ InstanceId: instanceId, ViewId: viewId })));
      assert.equal(error.name, 'ResourceNotFoundException');
    }
    const tags = await failure(ctx.client.send(new ListTagsForResourceCommand({ resourceArn: created.Arn })));
    assert.equal(tags.name, 'ResourceNotFoundException');
    assert.deepEqual((await ctx.client.send(new ListViewsCommand({ InstanceId: instanceId }))).ViewsSummaryList, []);
    const again = await failure(ctx.client.send(new DeleteViewCommand({ InstanceId: instanceId, ViewId: created.Id })));
    assert.equal(again.name, 'ResourceNotFoundException');
    await createView(ctx.client, instanceId, { name });
  });
});

describe('tags', () => {
  it('tag, list and untag a view by ARN; DescribeView shows them', async () => {
    const instanceId = newInstanceId();
    const created = await createView(ctx.client, instanceId, { tags: { keep: 'me' } });
    await ctx.client.send(new TagResourceCommand({ resourceArn: created.Arn, tags: { team: 'care', env: 'prod' } }));
    assert.deepEqual((await ctx.client.send(new ListTagsForResourceCommand({ resourceArn: created.Arn }))).tags, {
      keep: 'me',
      team: 'care',
      env: 'prod',
    });
    await ctx.client.send(new UntagResourceCommand({ resourceArn: created.Arn, tagKeys: ['team', 'absent'] }));
    assert.deepEqual((await ctx.client.send(new ListTagsForResourceCommand({ resourceArn: created.Arn }))).tags, {
      keep: 'me',
      env: 'prod',
    });
    const { View } = await ctx.client.send(new DescribeViewCommand({ InstanceId: instanceId, ViewId: created.Id }));
    assert.deepEqual(View!.Tags, { keep: 'me', env: 'prod' });
  });

  it('caps a view at 50 tags and refuses version ARNs and unknown views', async () => {
    const instanceId = newInstanceId();
    const created = await createView(ctx.client, instanceId);
    const fifty = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v']));
    await ctx.client.send(new TagResourceCommand({ resourceArn: created.Arn, tags: fifty }));
    const over = await failure(ctx.client.send(new TagResourceCommand({ resourceArn: created.Arn, tags: { one: 'more' } })));
    assert.equal(over.name, 'InvalidParameterException');
    const version = await failure(ctx.client.send(new TagResourceCommand({ resourceArn: `${created.Arn}:1`, tags: { a: 'b' } })));
    assert.equal(version.name, 'InvalidParameterException');
    const missing = await failure(
      ctx.client.send(
        new ListTagsForResourceCommand({ resourceArn: created.Arn!.replace(created.Id!, '00000000-0000-0000-0000-000000000000') }),
      ),
    );
    assert.equal(missing.name, 'ResourceNotFoundException');
  });
});
