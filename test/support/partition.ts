import assert from 'node:assert/strict';
import { tableClient } from './table-seed.ts';
import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { LocalService } from '../../emulator/service.ts';
import type { ContentRef } from '#domain/view.ts';
import { chunksOf, contentSlots, headFromItem, versionFromItem } from '#store/items.ts';
import {
  HEAD_SK,
  LATEST_CHUNK_PREFIX,
  SAVED_CHUNK_PREFIX,
  VERSION_CHUNK_PREFIX,
  VERSION_PREFIX,
  contentChunkSk,
  versionChunkSk,
  viewPartition,
  type ContentSlot,
} from '#store/keys.ts';

/** The sort keys of every item in a partition. */
export async function partitionKeys(client: DynamoDBDocumentClient, tableName: string, partition: string): Promise<string[]> {
  const keys: string[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await client.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': partition },
        ProjectionExpression: 'SK',
        ConsistentRead: true,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    for (const item of page.Items ?? []) keys.push(String(item['SK']));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return keys;
}

/** Every item of a view's partition, by sort key. */
export async function partitionItems(
  service: LocalService,
  instanceId: string,
  viewId: string,
): Promise<Map<string, Record<string, unknown>>> {
  const items = new Map<string, Record<string, unknown>>();
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await tableClient().send(
      new QueryCommand({
        TableName: service.tableName,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': viewPartition(instanceId, viewId) },
        ConsistentRead: true,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    for (const item of page.Items ?? []) items.set(String(item['SK']), item);
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}

/**
 * The partition holds exactly what its head refers to: the chunks of `$LATEST` and `$SAVED` and,
 * for every version record, its chunks — nothing orphaned, nothing missing.
 */
export async function assertStoredConsistently(service: LocalService, instanceId: string, viewId: string): Promise<void> {
  const items = await partitionItems(service, instanceId, viewId);
  const head = headFromItem(items.get(HEAD_SK));
  assert.ok(head, 'the view has a head');
  const expected = new Set<string>();
  for (const [slot, ref] of Object.entries(contentSlots(head)) as [ContentSlot, ContentRef][]) {
    for (let i = 0; i < chunksOf(ref); i++) expected.add(contentChunkSk(slot, ref.id, i));
  }
  for (const [sk, item] of items) {
    if (!sk.startsWith(VERSION_PREFIX)) continue;
    const record = versionFromItem(item);
    for (let i = 0; i < chunksOf(record.content); i++) expected.add(versionChunkSk(record.version, i));
  }
  const stored = [...items.keys()].filter((sk) =>
    [LATEST_CHUNK_PREFIX, SAVED_CHUNK_PREFIX, VERSION_CHUNK_PREFIX].some((prefix) => sk.startsWith(prefix)),
  );
  assert.deepEqual(stored.sort(), [...expected].sort(), 'content chunks stored = content chunks referred to');
}
