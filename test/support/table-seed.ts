import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '#store/client.ts';
import { versionChunkSk, versionSk, viewPartition } from '#store/keys.ts';
import { dynamoEndpoint } from './service.ts';

let client: DynamoDBDocumentClient | undefined;

/**
 * A client on the test's DynamoDB Local of its own, beside the service's: what a test reads the
 * table with, and seeds it through. It is nobody's role, so the local stack's IAM does not apply.
 */
export function tableClient(): DynamoDBDocumentClient {
  client ??= createDocumentClient({
    endpoint: dynamoEndpoint(),
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  return client;
}

/**
 * Items written straight to the table, beside the API: for states no sequence of requests reaches
 * in a test's time (thousands of versions, thousands of views) or at all (a purge request for a
 * live view). Batches of 25, what DynamoDB left unprocessed sent again.
 */
export async function seedItems(tableName: string, items: Record<string, unknown>[], client = tableClient()): Promise<void> {
  for (let i = 0; i < items.length; i += 25) {
    let pending = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    while (pending.length > 0) {
      const { UnprocessedItems } = await client.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } }));
      pending = (UnprocessedItems?.[tableName] ?? []) as typeof pending;
    }
  }
}

/** `count` version records, with a small chunk each: a view far larger than one request can purge. */
export function seededVersions(instanceId: string, viewId: string, count: number, from = 1): Record<string, unknown>[] {
  const partition = viewPartition(instanceId, viewId);
  const items: Record<string, unknown>[] = [];
  for (let v = from; v < from + count; v++) {
    items.push({
      PK: partition,
      SK: versionSk(v),
      kind: 'version',
      version: v,
      name: 'seeded',
      type: 'CUSTOMER_MANAGED',
      content: { id: 'c', sha256: 's', chunks: 1 },
      publishedTime: 1,
      viewCreatedTime: 1,
    });
    items.push({ PK: partition, SK: versionChunkSk(v, 0), data: new Uint8Array(64) });
  }
  return items;
}
