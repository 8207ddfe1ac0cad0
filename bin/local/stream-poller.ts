import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record,
} from '@aws-sdk/client-dynamodb-streams';
import { envelopeOf, eventOf } from '../../lambda/events/outbox.ts';

/**
 * Locally, the stream processor's job: DynamoDB Local keeps a change stream like DynamoDB's, and
 * this poller reads it and writes each outbox event, as an EventBridge target would receive it, to
 * a JSON-lines file (or stdout). The same `eventOf` decides what is an event, in Lambda and here.
 */
export interface EventPollerOptions {
  dynamo: DynamoDBClient;
  endpoint: string;
  region: string;
  accountId: string;
  tableName: string;
  /** A file to append JSON lines to, or `-` for stdout. */
  output: string;
  intervalMs?: number;
}

export interface EventPoller {
  /** Events written so far. */
  readonly written: number;
  stop(): Promise<void>;
}

export async function startEventPoller(options: EventPollerOptions): Promise<EventPoller> {
  const { Table } = await options.dynamo.send(new DescribeTableCommand({ TableName: options.tableName }));
  const streamArn = Table?.LatestStreamArn;
  if (!streamArn) throw new Error(`table ${options.tableName} has no stream`);
  const streams = new DynamoDBStreamsClient({ endpoint: options.endpoint, region: options.region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  if (options.output !== '-') await mkdir(dirname(options.output), { recursive: true });

  const iterators = new Map<string, string | undefined>();
  let written = 0;
  let stopped = false;
  let firstDiscovery = true;

  const write = async (records: _Record[]) => {
    const lines = records
      .map((record) => eventOf(record as never))
      .filter((event) => event !== undefined)
      .map((event) => `${JSON.stringify(envelopeOf(event, options.accountId, options.region))}\n`);
    if (lines.length === 0) return;
    if (options.output === '-') process.stdout.write(lines.join(''));
    else await appendFile(options.output, lines.join(''));
    written += lines.length;
  };

  /** Open shards get an iterator: at their end when the poller starts (old events are not replayed), from their start when they appear later. */
  const discover = async () => {
    const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
    for (const shard of StreamDescription?.Shards ?? []) {
      if (!shard.ShardId || iterators.has(shard.ShardId)) continue;
      const { ShardIterator } = await streams.send(
        new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: shard.ShardId, ShardIteratorType: firstDiscovery ? 'LATEST' : 'TRIM_HORIZON' }),
      );
      iterators.set(shard.ShardId, ShardIterator);
    }
    firstDiscovery = false;
  };

  const poll = async () => {
    await discover();
    for (const [shardId, iterator] of iterators) {
      if (!iterator) continue;
      const { Records, NextShardIterator } = await streams.send(new GetRecordsCommand({ ShardIterator: iterator }));
      await write(Records ?? []);
      iterators.set(shardId, NextShardIterator);
    }
  };

  await discover();
  const loop = (async () => {
    while (!stopped) {
      try {
        await poll();
      } catch (error) {
        if (!stopped) console.error('local events: reading the stream failed; retrying', (error as Error).message);
      }
      await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 250));
    }
  })();

  return {
    get written() {
      return written;
    },
    stop: async () => {
      stopped = true;
      await loop;
      streams.destroy();
    },
  };
}
