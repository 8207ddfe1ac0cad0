import {
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type Shard,
} from '@aws-sdk/client-dynamodb-streams';
import type { StreamRecord } from '../../lambda/events/outbox.ts';

interface ShardState {
  /** The last record handled: where a restart resumes. */
  lastSequence?: string;
  iterator?: string;
  /** A closed shard read to its end. */
  done: boolean;
}

const DISCOVERY_EVERY_MS = 5000;

const errorName = (error: unknown) => (error as { name?: string }).name ?? 'Error';

/**
 * Reads a table's change stream shard by shard from where each was left, as a Lambda event source
 * mapping does: the shards are discovered again every few seconds (DynamoDB opens new ones), a
 * closed shard is read to its end, and each record is handed over before the position moves past it.
 */
export class ShardReader {
  streamArn: string;
  /** Set when the stream no longer holds records after a saved position: only the table can tell what they were. */
  lostRecords = false;
  readonly #streams: DynamoDBStreamsClient;
  readonly #shards = new Map<string, ShardState>();
  readonly #log: (message: string) => void;
  #lastDiscovery = 0;

  constructor(
    streams: DynamoDBStreamsClient,
    streamArn: string,
    positions: [shardId: string, sequence: string][],
    log: (message: string) => void,
  ) {
    this.#streams = streams;
    this.streamArn = streamArn;
    this.#log = log;
    for (const [shardId, sequence] of positions) this.#shards.set(shardId, { lastSequence: sequence, done: false });
  }

  /** Where each shard stands, for the checkpoint. */
  positions(): [string, string][] {
    return [...this.#shards].filter(([, shard]) => shard.lastSequence !== undefined).map(([id, shard]) => [id, shard.lastSequence!]);
  }

  /** Starts over on another stream (the table or its stream was replaced). */
  switchTo(streamArn: string): void {
    this.streamArn = streamArn;
    this.#shards.clear();
    this.#lastDiscovery = 0;
  }

  /** Looks for new shards at the next round rather than within a few seconds. */
  rediscover(): void {
    this.#lastDiscovery = 0;
  }

  async #discover(): Promise<void> {
    const found: Shard[] = [];
    let exclusiveStart: string | undefined;
    do {
      const { StreamDescription } = await this.#streams.send(
        new DescribeStreamCommand({ StreamArn: this.streamArn, ...(exclusiveStart ? { ExclusiveStartShardId: exclusiveStart } : {}) }),
      );
      found.push(...(StreamDescription?.Shards ?? []));
      exclusiveStart = StreamDescription?.LastEvaluatedShardId;
    } while (exclusiveStart);
    for (const shard of found) if (shard.ShardId && !this.#shards.has(shard.ShardId)) this.#shards.set(shard.ShardId, { done: false });
    // Shards the stream no longer lists were trimmed away: nothing left to read or keep.
    const listed = new Set(found.map((shard) => shard.ShardId));
    for (const id of this.#shards.keys()) if (!listed.has(id)) this.#shards.delete(id);
    this.#lastDiscovery = Date.now();
  }

  async #iteratorFor(shardId: string, shard: ShardState): Promise<string | undefined> {
    const { ShardIterator } = await this.#streams.send(
      new GetShardIteratorCommand({
        StreamArn: this.streamArn,
        ShardId: shardId,
        ...(shard.lastSequence
          ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: shard.lastSequence }
          : { ShardIteratorType: 'TRIM_HORIZON' }),
      }),
    );
    return ShardIterator;
  }

  /**
   * One pass over every shard: each batch of records goes to `handle`, then the shard's position
   * moves past it and `moved` is told. Resolves with the number of records read; throws when the
   * stream cannot be read (the caller retries the round).
   */
  async round(handle: (records: StreamRecord[]) => Promise<void>, moved: () => Promise<void>): Promise<number> {
    let records = 0;
    if (Date.now() - this.#lastDiscovery > DISCOVERY_EVERY_MS) await this.#discover();
    for (const [shardId, shard] of this.#shards) {
      if (shard.done) continue;
      try {
        shard.iterator ??= await this.#iteratorFor(shardId, shard);
        if (!shard.iterator) {
          shard.done = true;
          continue;
        }
        const { Records = [], NextShardIterator } = await this.#streams.send(new GetRecordsCommand({ ShardIterator: shard.iterator }));
        await handle(Records as StreamRecord[]);
        const last = Records.at(-1)?.dynamodb?.SequenceNumber;
        if (last) shard.lastSequence = last;
        shard.iterator = NextShardIterator;
        if (!NextShardIterator) shard.done = true;
        if (Records.length > 0) await moved();
        records += Records.length;
      } catch (error) {
        shard.iterator = undefined;
        if (errorName(error) !== 'TrimmedDataAccessException') throw error;
        // DynamoDB Local numbers records across all its tables, so an iterator taken on a shard
        // that was still empty can point before the shard's first record once other tables wrote
        // in between; it then reports the shard as trimmed. With nothing handled yet, reading the
        // shard from its start again loses nothing. Past a saved position, records really are gone.
        if (shard.lastSequence) {
          this.#log(`the stream no longer holds the records after the checkpoint of ${shardId}; replaying the outbox from the table`);
          shard.lastSequence = undefined;
          this.lostRecords = true;
        }
        records += 1;
      }
    }
    return records;
  }
}
