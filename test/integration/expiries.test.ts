import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  CreateViewCommand,
  CreateViewVersionCommand,
  DeleteViewCommand,
  DescribeViewCommand,
  UpdateViewContentCommand,
} from '@aws-sdk/client-connect';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { TTL_ATTRIBUTE } from '#store/keys.ts';
import { failure, template } from '../support/fixtures.ts';
import { useTestService } from '../support/service.ts';
import { tableClient } from '../support/table-seed.ts';

/**
 * Values that only matter over time: every expiry the service writes, read back from the real
 * table in the unit DynamoDB's TTL reads (epoch seconds) at its documented horizon, and a ClientToken
 * that is in fact free again once its 24 hours are over. The service's clock is the test's, moved
 * forward at will (the table's own TTL, on the real clock, deletes nothing meanwhile).
 */
let clock = Date.now();
const ctx = useTestService({ clock: () => clock }, { maxAttempts: 1 });
const DAY = 24 * 3600;

/** Every item of the table that carries the TTL attribute, by kind. */
async function expiring(): Promise<Map<string, number[]>> {
  const byKind = new Map<string, number[]>();
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await tableClient().send(
      new ScanCommand({ TableName: ctx.service.tableName, ConsistentRead: true, ...(startKey ? { ExclusiveStartKey: startKey } : {}) }),
    );
    for (const item of page.Items ?? []) {
      if (item[TTL_ATTRIBUTE] === undefined) continue;
      const kind = String(item['kind']);
      byKind.set(kind, [...(byKind.get(kind) ?? []), Number(item[TTL_ATTRIBUTE])]);
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return byKind;
}

describe('expiries', () => {
  it('writes every expiry in epoch seconds at its horizon: ClientTokens 24 hours, events and purge requests two days', async () => {
    // A month ahead of the real clock: DynamoDB Local's TTL deletes items whose expiry has passed
    // (a fixed date made this test fail the day after its ClientToken horizon). 750 ms into a second,
    // so that milliseconds rounded up instead of down would show.
    clock = (Math.floor(Date.now() / 1000) + 30 * DAY) * 1000 + 750;
    const seconds = Math.floor(clock / 1000);
    const instanceId = randomUUID();
    const { View } = await ctx.client.send(
      new CreateViewCommand({
        InstanceId: instanceId,
        Name: 'expiring',
        Status: 'PUBLISHED',
        Content: { Template: template('e'), Actions: ['Go'] },
        ClientToken: randomUUID(),
      }),
    );
    await ctx.client.send(new CreateViewVersionCommand({ InstanceId: instanceId, ViewId: View!.Id }));
    await ctx.client.send(new DeleteViewCommand({ InstanceId: instanceId, ViewId: View!.Id }));

    const byKind = await expiring();
    // A new kind of expiring item has to be added here, with its horizon.
    assert.deepEqual([...byKind.keys()].sort(), ['client-token', 'event', 'purge']);
    assert.deepEqual(byKind.get('client-token'), [seconds + DAY]);
    // Published, then deleted: two events, both two days after they happened.
    assert.deepEqual(byKind.get('event'), [seconds + 2 * DAY, seconds + 2 * DAY]);
    assert.deepEqual(byKind.get('purge'), [seconds + 2 * DAY]);
  });

  it('a ClientToken binds for 24 hours and is free again after them, by the service’s clock', async () => {
    clock = Date.now();
    const instanceId = randomUUID();
    const token = randomUUID();
    const create = (name: string) =>
      ctx.client.send(
        new CreateViewCommand({ InstanceId: instanceId, Name: name, Status: 'SAVED', Content: { Template: '{}' }, ClientToken: token }),
      );
    const first = await create('first');
    clock += (DAY - 1) * 1000;
    const reused = await failure(create('second'));
    assert.equal(reused.name, 'InvalidRequestException', 'another request with the token, within 24 hours');
    clock += 2000;
    const second = await create('second');
    assert.notEqual(second.View!.Id, first.View!.Id, 'after 24 hours the token makes a new view');
    const { View } = await ctx.client.send(new DescribeViewCommand({ InstanceId: instanceId, ViewId: `${second.View!.Id}:$SAVED` }));
    assert.equal(View!.Name, 'second');
  });

  it('times the service writes come from the same clock (a view’s LastModifiedTime, an update after it)', async () => {
    clock = Date.UTC(2030, 0, 1);
    const instanceId = randomUUID();
    const { View } = await ctx.client.send(
      new CreateViewCommand({ InstanceId: instanceId, Name: 'timed', Status: 'SAVED', Content: { Template: '{}' } }),
    );
    assert.equal(View!.LastModifiedTime!.getTime(), clock);
    clock += 60_000;
    const updated = await ctx.client.send(
      new UpdateViewContentCommand({ InstanceId: instanceId, ViewId: View!.Id, Status: 'SAVED', Content: { Template: '{"a":1}' } }),
    );
    assert.equal(updated.View!.LastModifiedTime!.getTime(), clock);
  });
});
