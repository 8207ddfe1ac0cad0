import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DeleteViewCommand, DescribeViewCommand } from '@aws-sdk/client-connect';
import { Logger } from '@aws-lambda-powertools/logger';
import { BatchWriteCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { Context, DynamoDBStreamEvent } from 'aws-lambda';
import { createPurgeWorker } from '../../lambda/events/purge-worker.ts';
import { seedItems, seededVersions, tableClient } from '../support/table-seed.ts';
import { createView, failure, template } from '../support/fixtures.ts';
import { partitionItems } from '../support/partition.ts';
import { InstrumentedDynamo } from '../support/instrumented-dynamo.ts';
import { dynamoEndpoint, newInstanceId, useTestService } from '../support/service.ts';
import { ViewStore } from '#store/view-store.ts';
import { outboxPartition, versionChunkSk, viewPartition } from '#store/keys.ts';

/**
 * DeleteView makes the view disappear in one transaction that also records a purge request; the
 * purge of its versions and content then runs from that request, in pieces, as often as it takes.
 */
const ctx = useTestService();

async function outbox(instanceId: string, viewId: string) {
  const { Items } = await tableClient().send(
    new QueryCommand({
      TableName: ctx.service.tableName,
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': outboxPartition(instanceId, viewId) },
      ConsistentRead: true,
    }),
  );
  return Items ?? [];
}

/** Adds `count` version records (with a chunk each) straight to the table: a view far larger than one request can purge. */
async function seedVersions(instanceId: string, viewId: string, count: number) {
  await seedItems(ctx.service.tableName, seededVersions(instanceId, viewId, count));
}

describe('DeleteView and the purge of what it leaves', () => {
  it('records a purge request in the delete’s own transaction, beside the View Deleted event', async () => {
    const instanceId = newInstanceId();
    const view = await createView(ctx.client, instanceId, { template: template('a') });
    await ctx.client.send(new DeleteViewCommand({ InstanceId: instanceId, ViewId: view.Id }));
    const kinds = (await outbox(instanceId, view.Id!)).map((item) => [item['kind'], item['instanceId'] ?? item['detail']?.instanceId]);
    assert.deepEqual(kinds.sort(), [
      ['event', instanceId],
      ['purge', instanceId],
    ]);
  });

  it('answers at once for a view too large to purge within the request, and the view is gone for every reader', async (t) => {
    const instanceId = newInstanceId();
    const view = await createView(ctx.client, instanceId, { template: template('a') });
    await seedVersions(instanceId, view.Id!, 3000);
    const started = performance.now();
    await ctx.client.send(new DeleteViewCommand({ InstanceId: instanceId, ViewId: view.Id }));
    const took = performance.now() - started;
    t.diagnostic(`DeleteView of a view with 6,000 items answered in ${Math.round(took)} ms`);
    assert.equal(
      (await failure(ctx.client.send(new DescribeViewCommand({ InstanceId: instanceId, ViewId: `${view.Id}:7` })))).name,
      'ResourceNotFoundException',
    );
    // A repeated DeleteView of a view whose purge is still running asks for the purge again; once
    // the purge is done (a fast machine may finish it within the first call), the view is unknown.
    const again = await ctx.client.send(new DeleteViewCommand({ InstanceId: instanceId, ViewId: view.Id })).then(
      () => 'asked again',
      (error: Error) => error.name,
    );
    const requests = (await outbox(instanceId, view.Id!)).filter((item) => item['kind'] === 'purge').length;
    if (again === 'asked again') assert.equal(requests, 2);
    else assert.deepEqual([again, (await partitionItems(ctx.service, instanceId, view.Id!)).size], ['ResourceNotFoundException', 0]);
    // Finish it here; the service's own purge worker is tested with the emulator.
    assert.equal(await ctx.service.store.purgeView(instanceId, view.Id!, Date.now() + 60_000), true);
    assert.equal((await partitionItems(ctx.service, instanceId, view.Id!)).size, 0);
  });

  it('resumes after an interruption and tolerates another purge of the same view at once', async () => {
    const instanceId = newInstanceId();
    const view = await createView(ctx.client, instanceId, { template: template('a') });
    await seedVersions(instanceId, view.Id!, 1500);
    const { store } = ctx.service;
    const head = (await store.readHead(instanceId, view.Id!))!;
    await store.beginDelete(
      head,
      {
        detailType: 'View Deleted',
        detail: { eventId: 'e', instanceId, viewId: view.Id!, viewArn: view.Arn!, time: new Date().toISOString() },
      },
      'p',
    );
    assert.equal(
      await store.purgeView(instanceId, view.Id!, Date.now() - 1),
      false,
      'out of time before it began: nothing done, not finished',
    );
    const outcomes = await Promise.all([
      store.purgeView(instanceId, view.Id!, Date.now() + 60_000),
      store.purgeView(instanceId, view.Id!, Date.now() + 60_000),
    ]);
    assert.deepEqual(outcomes, [true, true]);
    assert.equal((await partitionItems(ctx.service, instanceId, view.Id!)).size, 0, 'nothing left, not even the tombstone');
    assert.equal(await store.purgeView(instanceId, view.Id!, Date.now() + 1000), true, 'purging a purged view is done at once');
  });

  it('the purge worker, given the delete’s request as the stream delivers it, finishes a large view over invocations', async (t) => {
    const instanceId = newInstanceId();
    const view = await createView(ctx.client, instanceId, { template: template('a') });
    await seedVersions(instanceId, view.Id!, 2500);
    await ctx.client.send(new DeleteViewCommand({ InstanceId: instanceId, ViewId: view.Id }));
    const request = (await outbox(instanceId, view.Id!)).find((item) => item['kind'] === 'purge')!;
    const event = {
      Records: [{ eventName: 'INSERT', dynamodb: { SequenceNumber: '1', NewImage: marshall(request) } }],
    } as unknown as DynamoDBStreamEvent;
    // Invocations that keep all but 50 ms of their minute in reserve: about one round of the purge each.
    const worker = createPurgeWorker(ctx.service.store, new Logger({ logLevel: 'SILENT' }), 60_000 - 50);
    const context = {
      awsRequestId: 'r',
      functionName: 'purge',
      invokedFunctionArn: 'arn:aws:lambda:us-east-1:1:function:purge',
      getRemainingTimeInMillis: () => 60_000,
    } as Context;
    let invocations = 0;
    for (;;) {
      invocations++;
      const { batchItemFailures } = await worker(event, context);
      if (batchItemFailures.length === 0) break;
      assert.ok(invocations < 200, 'the purge makes progress');
    }
    t.diagnostic(`${invocations} invocations`);
    assert.ok(invocations > 1, 'the purge outlasted one invocation and went on');
    assert.equal((await partitionItems(ctx.service, instanceId, view.Id!)).size, 0);
    // Delivered again (at least once), the request finds nothing left to do.
    assert.deepEqual(await worker(event, context), { batchItemFailures: [] });
  });

  it('reads one page per round, so that a deadline is overrun by one page of content at most, whatever the chunks weigh', async (t) => {
    const instanceId = newInstanceId();
    const view = await createView(ctx.client, instanceId, { template: template('a') });
    const partition = viewPartition(instanceId, view.Id!);
    // 12 version chunks of 300 kB: four 1 MB pages of items.
    const heavy = Array.from({ length: 12 }, (_, i) => ({ PK: partition, SK: versionChunkSk(i + 1, 0), data: new Uint8Array(300_000) }));
    for (const item of heavy)
      await tableClient().send(new BatchWriteCommand({ RequestItems: { [ctx.service.tableName]: [{ PutRequest: { Item: item } }] } }));
    const { store } = ctx.service;
    const head = (await store.readHead(instanceId, view.Id!))!;
    await store.beginDelete(
      head,
      {
        detailType: 'View Deleted',
        detail: { eventId: 'e', instanceId, viewId: view.Id!, viewArn: view.Arn!, time: new Date().toISOString() },
      },
      'p',
    );
    // The clock jumps past the deadline as soon as the first query answers.
    const counted = new InstrumentedDynamo(dynamoEndpoint());
    const realNow = Date.now.bind(Date);
    let skew = 0;
    const send = counted.client.send.bind(counted.client) as (command: unknown) => Promise<unknown>;
    const client = new Proxy(counted.client, {
      get: (target, property, receiver) =>
        property === 'send'
          ? async (command: unknown) => {
              const result = await send(command);
              if (command instanceof QueryCommand) skew = 60_000;
              return result;
            }
          : Reflect.get(target, property, receiver),
    });
    const counting = new ViewStore(client, ctx.service.tableName);
    t.mock.method(Date, 'now', () => realNow() + skew);
    let finished: boolean | undefined;
    const calls = await counted.count(async () => {
      finished = await counting.purgeView(instanceId, view.Id!, realNow() + 30_000);
    });
    t.mock.restoreAll();
    assert.equal(finished, false, 'the deadline came after the first round');
    assert.equal(calls['QueryCommand'], 1, `one page read in that round: ${JSON.stringify(calls)}`);
    assert.ok(calls['BatchWriteItemCommand']! >= 1, 'and what it read was deleted');
    assert.equal(await store.purgeView(instanceId, view.Id!, Date.now() + 60_000), true);
  });

  it('refuses to purge a view that was never deleted, and deletes nothing of it', async () => {
    const instanceId = newInstanceId();
    const view = await createView(ctx.client, instanceId, { template: template('a') });
    const before = (await partitionItems(ctx.service, instanceId, view.Id!)).size;
    await assert.rejects(ctx.service.store.purgeView(instanceId, view.Id!, Date.now() + 1000), /not deleted/);
    assert.equal((await partitionItems(ctx.service, instanceId, view.Id!)).size, before);
    const { View } = await ctx.client.send(new DescribeViewCommand({ InstanceId: instanceId, ViewId: view.Id }));
    assert.equal(View!.Id, view.Id);
  });
});
