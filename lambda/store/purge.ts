import type { DynamoIo } from './dynamo-io.ts';
import { StoreFault } from './errors.ts';
import { HEAD_SK, PARTITION_KEY, SORT_KEY, key, viewPartition, type Key } from './keys.ts';

/**
 * Keys read per round of a purge (one Query call: at most this many, and at most 1 MB of items,
 * which for content chunks of up to 350 kB is only a few), and delete batches (25 keys each) in
 * flight at once. The deadline is checked before every round, so a purge overruns it by at most one.
 */
const KEYS_PER_ROUND = 500;
const BATCHES_IN_FLIGHT = 8;

/**
 * DeleteView, step two: deletes every item of a deleted view's partition (versions, content), then
 * its tombstone head. Idempotent and resumable from any point: it stops at `deadline` (epoch ms)
 * and returns false, and a later call continues where the table says it is. Outbox items live
 * elsewhere and expire by themselves.
 */
export async function purgeView(io: DynamoIo, instanceId: string, viewId: string, deadline: number): Promise<boolean> {
  const partition = viewPartition(instanceId, viewId);
  const head = await io.get(key(partition, HEAD_SK));
  // A tombstone is never revived and view ids are never reused, so this is a request nobody made.
  if (head && head['deleting'] !== true)
    throw new StoreFault(`refusing to purge view ${viewId} of instance ${instanceId}: it is not deleted`);
  for (;;) {
    // Deadlines are real time (how long this invocation may work), not the store's clock.
    if (Date.now() > deadline) return false;
    // Always from the start: what earlier rounds read is gone.
    const { items, next } = await io.queryPage(
      {
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': PARTITION_KEY, '#sk': SORT_KEY },
        ExpressionAttributeValues: { ':pk': partition },
        ProjectionExpression: '#pk, #sk',
      },
      KEYS_PER_ROUND,
    );
    const keys = items.filter((item) => item[SORT_KEY] !== HEAD_SK).map((item) => key(partition, String(item[SORT_KEY])));
    const batches: Key[][] = [];
    for (let i = 0; i < keys.length; i += 25) batches.push(keys.slice(i, i + 25));
    for (let i = 0; i < batches.length; i += BATCHES_IN_FLIGHT) {
      await Promise.all(batches.slice(i, i + BATCHES_IN_FLIGHT).map((batch) => io.batchDelete(batch)));
    }
    // A round that saw the end of the partition is the last: a small view is purged in one, whatever the clock says.
    if (!next) break;
  }
  // Only a tombstone: a live head here would mean the purge was asked for a view nobody deleted.
  // Not deleted (false) means it was already gone: a concurrent purge finished first.
  await io.deleteIf(key(partition, HEAD_SK), {
    expression: '#deleting = :true',
    names: { '#deleting': 'deleting' },
    values: { ':true': true },
  });
  return true;
}
