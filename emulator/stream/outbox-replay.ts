import { ScanCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { StreamRecord } from '../../lambda/events/outbox.ts';
import { SORT_KEY } from '../../lambda/store/keys.ts';

/**
 * The outbox as the table holds it, for when the stream cannot cover a gap (the checkpoint's
 * stream is gone, or the records after it were trimmed): every event and purge request still in
 * the table, as the stream would have brought their insertions, in time order (their sort keys
 * begin with the time).
 */
export async function outboxRecords(dynamo: DynamoDBClient, tableName: string): Promise<StreamRecord[]> {
  const records: StreamRecord[] = [];
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await dynamo.send(
      new ScanCommand({
        TableName: tableName,
        ConsistentRead: true,
        FilterExpression: '#kind IN (:event, :purge)',
        ExpressionAttributeNames: { '#kind': 'kind' },
        ExpressionAttributeValues: { ':event': { S: 'event' }, ':purge': { S: 'purge' } },
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    for (const item of page.Items ?? []) records.push({ eventName: 'INSERT', dynamodb: { NewImage: item } });
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  const sortKey = (record: StreamRecord) => (record.dynamodb?.NewImage as Record<string, AttributeValue> | undefined)?.[SORT_KEY]?.S ?? '';
  return records.sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0));
}
