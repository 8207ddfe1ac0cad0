import { createHash } from 'node:crypto';
import { tableClient } from './table-seed.ts';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { LocalService } from '../../emulator/service.ts';

/** A digest of every item in the service's table: equal digests, unchanged store. */
export async function tableDigest(service: LocalService): Promise<{ digest: string; items: number }> {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await tableClient().send(
      new ScanCommand({ TableName: service.tableName, ConsistentRead: true, ...(startKey ? { ExclusiveStartKey: startKey } : {}) }),
    );
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  const key = (item: Record<string, unknown>) => `${item['PK']}\u0000${item['SK']}`;
  items.sort((a, b) => (key(a) < key(b) ? -1 : 1));
  const hash = createHash('sha256');
  for (const item of items) {
    hash.update(
      JSON.stringify(item, (_k, value: unknown) => (value instanceof Uint8Array ? Buffer.from(value).toString('base64') : value)),
    );
  }
  return { digest: hash.digest('hex'), items: items.length };
}
