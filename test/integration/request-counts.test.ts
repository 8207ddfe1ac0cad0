import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import {
  CreateViewVersionCommand,
  DescribeViewCommand,
  ListViewsCommand,
  ListViewVersionsCommand,
  UpdateViewContentCommand,
} from '@aws-sdk/client-connect';
import { InstrumentedDynamo } from '../support/instrumented-dynamo.ts';
import { createView, template } from '../support/fixtures.ts';
import { dynamoEndpoint, newInstanceId, useTestService } from '../support/service.ts';

const dynamo = new InstrumentedDynamo(dynamoEndpoint());
const ctx = useTestService({ documentClient: dynamo.client });
const instanceId = newInstanceId();
let viewId: string;

/** DynamoDB calls per API operation, counted at the client: the budget the design promises. */
describe('DynamoDB requests per operation', () => {
  before(async () => {
    for (let i = 0; i < 4; i++) viewId = (await createView(ctx.client, instanceId, { template: template(i) })).Id!;
    for (let i = 0; i < 4; i++) {
      await ctx.client.send(
        new UpdateViewContentCommand({
          InstanceId: instanceId,
          ViewId: viewId,
          Status: 'PUBLISHED',
          Content: { Template: template(`v${i}`) },
        }),
      );
      await ctx.client.send(new CreateViewVersionCommand({ InstanceId: instanceId, ViewId: viewId }));
    }
  });

  it('CreateViewVersion: 2 when it mints (one query, one transaction), 1 when unchanged', async () => {
    await ctx.client.send(
      new UpdateViewContentCommand({ InstanceId: instanceId, ViewId: viewId, Status: 'PUBLISHED', Content: { Template: template('new') } }),
    );
    assert.deepEqual(await dynamo.count(() => ctx.client.send(new CreateViewVersionCommand({ InstanceId: instanceId, ViewId: viewId }))), {
      QueryCommand: 1,
      TransactWriteItemsCommand: 1,
    });
    assert.deepEqual(await dynamo.count(() => ctx.client.send(new CreateViewVersionCommand({ InstanceId: instanceId, ViewId: viewId }))), {
      QueryCommand: 1,
    });
  });

  it('DescribeView: 1 for $LATEST, $SAVED and a version', async () => {
    for (const qualifier of ['', ':$SAVED', ':2']) {
      const counts = await dynamo.count(() =>
        ctx.client.send(new DescribeViewCommand({ InstanceId: instanceId, ViewId: `${viewId}${qualifier}` })),
      );
      assert.equal(
        Object.values(counts).reduce((a, b) => a + b, 0),
        1,
        `${qualifier}: ${JSON.stringify(counts)}`,
      );
    }
  });

  it('ListViewVersions: 1 for the first page, 2 (side by side) for a later one; ListViews: 1 a page', async () => {
    let token: string | undefined;
    let pages = 0;
    do {
      const first = token === undefined;
      const counts = await dynamo.count(async () => {
        token = (
          await ctx.client.send(
            new ListViewVersionsCommand({ InstanceId: instanceId, ViewId: viewId, MaxResults: 2, ...(token ? { NextToken: token } : {}) }),
          )
        ).NextToken;
      });
      // A later page reads the head beside the page, so that a NextToken does not outlive its view.
      assert.deepEqual(counts, first ? { QueryCommand: 1 } : { QueryCommand: 1, GetItemCommand: 1 });
      pages++;
    } while (token);
    assert.ok(pages > 1);
    do {
      const counts = await dynamo.count(async () => {
        token = (
          await ctx.client.send(new ListViewsCommand({ InstanceId: instanceId, MaxResults: 3, ...(token ? { NextToken: token } : {}) }))
        ).NextToken;
      });
      assert.deepEqual(counts, { QueryCommand: 1 });
    } while (token);
  });

  it('UpdateViewContent: 2 (one read of the head, one transaction)', async () => {
    const counts = await dynamo.count(() =>
      ctx.client.send(
        new UpdateViewContentCommand({ InstanceId: instanceId, ViewId: viewId, Status: 'SAVED', Content: { Template: template('draft') } }),
      ),
    );
    assert.deepEqual(counts, { GetItemCommand: 1, TransactWriteItemsCommand: 1 });
  });
});
