import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  type DynamoDBDocumentClient,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { StoreFault, translateStoreError } from './errors.ts';
import type { Item } from './items.ts';
import { SORT_KEY, type Key } from './keys.ts';
import type { Action } from './write-plan.ts';

/** Unprocessed keys and items of batch calls are retried this often, with capped exponential backoff. */
const BATCH_RETRIES = 8;

/**
 * The store's DynamoDB calls on its one table: reads strongly consistent unless a caller asks
 * otherwise (reads made only to count), every failure translated to the store's own errors
 * (errors.ts). The only module that sends DynamoDB requests; the client never leaves it.
 */
export class DynamoIo {
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;

  constructor(client: DynamoDBDocumentClient, tableName: string) {
    this.#client = client;
    this.#tableName = tableName;
  }

  async #send<T>(run: () => Promise<T>, purposes?: Action['purpose'][]): Promise<T> {
    try {
      return await run();
    } catch (error) {
      return translateStoreError(error, purposes);
    }
  }

  async get(itemKey: Key): Promise<Item | undefined> {
    const result = await this.#send(() =>
      this.#client.send(new GetCommand({ TableName: this.#tableName, Key: itemKey, ConsistentRead: true })),
    );
    return result.Item;
  }

  /**
   * One Query call: at most `limit` items (and 1 MB), and where the next one would resume;
   * `consistent: false` (half the read units) only where the items are merely counted.
   */
  async queryPage(input: Omit<QueryCommandInput, 'TableName'>, limit?: number, consistent = true): Promise<{ items: Item[]; next?: Item }> {
    const page = await this.#send(() =>
      this.#client.send(
        new QueryCommand({
          ...input,
          TableName: this.#tableName,
          ConsistentRead: consistent,
          ...(limit === undefined ? {} : { Limit: limit }),
        }),
      ),
    );
    return { items: page.Items ?? [], ...(page.LastEvaluatedKey ? { next: page.LastEvaluatedKey } : {}) };
  }

  /** Queries until `limit` items are in hand or the range is exhausted (DynamoDB pages at 1 MB). */
  async query(input: Omit<QueryCommandInput, 'TableName'>, limit?: number): Promise<{ items: Item[]; exhausted: boolean }> {
    const items: Item[] = [];
    let startKey = input.ExclusiveStartKey;
    for (;;) {
      const page = await this.queryPage(
        { ...input, ...(startKey ? { ExclusiveStartKey: startKey } : {}) },
        limit === undefined ? undefined : limit - items.length,
      );
      items.push(...page.items);
      startKey = page.next;
      if (!startKey) return { items, exhausted: true };
      if (limit !== undefined && items.length >= limit) return { items, exhausted: false };
    }
  }

  /** Consistent BatchGetItem, unprocessed keys retried; the items found, by sort key. */
  async batchGet(keys: Key[]): Promise<Map<string, Item>> {
    const found = new Map<string, Item>();
    let pending = keys;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > BATCH_RETRIES) throw new StoreFault(`BatchGetItem left keys unprocessed after ${BATCH_RETRIES} retries`);
      if (attempt > 0) await sleep(Math.min(1000, 25 * 2 ** attempt));
      const result = await this.#send(() =>
        this.#client.send(new BatchGetCommand({ RequestItems: { [this.#tableName]: { Keys: pending, ConsistentRead: true } } })),
      );
      for (const item of result.Responses?.[this.#tableName] ?? []) found.set(String(item[SORT_KEY]), item);
      pending = (result.UnprocessedKeys?.[this.#tableName]?.Keys ?? []) as Key[];
    }
    return found;
  }

  async transact(actions: Action[]): Promise<void> {
    await this.#send(
      () =>
        this.#client.send(
          new TransactWriteCommand({
            TransactItems: actions.map((a) => a.item),
            // Makes the SDK's own retries of this very call idempotent (a lost response, a timeout).
            ClientRequestToken: randomUUID(),
          }),
        ),
      actions.map((a) => a.purpose),
    );
  }

  /** Deletes one item on a condition; false when the condition did not hold (nothing deleted). */
  async deleteIf(
    itemKey: Key,
    condition: { expression: string; names: Record<string, string>; values: Record<string, unknown> },
  ): Promise<boolean> {
    try {
      await this.#client.send(
        new DeleteCommand({
          TableName: this.#tableName,
          Key: itemKey,
          ConditionExpression: condition.expression,
          ExpressionAttributeNames: condition.names,
          ExpressionAttributeValues: condition.values,
        }),
      );
      return true;
    } catch (error) {
      if ((error as { name?: string }).name === 'ConditionalCheckFailedException') return false;
      return translateStoreError(error);
    }
  }

  /** Deletes up to 25 items, retrying what DynamoDB left unprocessed. */
  async batchDelete(keys: Key[]): Promise<void> {
    let pending = keys.map((k) => ({ DeleteRequest: { Key: k } }));
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > BATCH_RETRIES) throw new StoreFault(`BatchWriteItem left items unprocessed after ${BATCH_RETRIES} retries`);
      if (attempt > 0) await sleep(Math.min(1000, 25 * 2 ** attempt));
      const result = await this.#send(() => this.#client.send(new BatchWriteCommand({ RequestItems: { [this.#tableName]: pending } })));
      pending = (result.UnprocessedItems?.[this.#tableName] ?? []) as typeof pending;
    }
  }
}
