import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type AttributeValue, DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { envelopeOf, eventOf, purgeRequestOf, type StreamRecord } from '../../lambda/events/outbox.ts';
import { PARTITION_KEY, SORT_KEY, TTL_ATTRIBUTE } from '../../lambda/store/keys.ts';
import { CheckpointStore } from './checkpoint-store.ts';
import { outboxRecords } from './outbox-replay.ts';
import { type Purge, PurgeQueue } from './purge-queue.ts';
import { ShardReader } from './shard-reader.ts';

/**
 * Locally, the stream consumers' jobs: DynamoDB Local keeps a change stream like DynamoDB's, and
 * this poller reads it (shard-reader.ts), writes each outbox event as an EventBridge target would
 * receive it to a JSON-lines file (or stdout), and finishes each DeleteView by calling `purge` for
 * its purge request (purge-queue.ts). The same `eventOf` / `purgeRequestOf` decide what a record is,
 * in Lambda and here.
 *
 * Nothing is lost across restarts, however the service stopped: DynamoDB Local keeps its stream on
 * disk (shards and records survive a restart with -dbPath, also after kill -9), so the poller keeps
 * a checkpoint (checkpoint-store.ts) — the last sequence number handled per shard, and the purges
 * not yet done — and resumes after it. A record's event is appended before the checkpoint moves past
 * it, so delivery is at least once: after a crash between the two, an event is written again with
 * the same `id`. When the stream cannot cover the gap (the checkpoint's stream is gone, or the
 * records after the checkpoint were trimmed), the outbox itself is replayed from the table
 * (outbox-replay.ts).
 */
export interface EventPollerOptions {
  dynamo: DynamoDBClient;
  endpoint: string;
  region: string;
  accountId: string;
  tableName: string;
  /** A file to append JSON lines to, or `-` for stdout; when absent, events are not written (purges still run). */
  output?: string;
  /** Where the checkpoint is kept; by default beside a file output (`<output>.checkpoint`), else only in memory. */
  checkpointFile?: string;
  /** Finishes a DeleteView; called at least once per purge request and retried until it resolves. */
  purge?: Purge;
  /** The longest pause between two reads of an idle stream. */
  intervalMs?: number;
  /** Where problems are reported (default: stderr). */
  log?: (message: string) => void;
}

export interface EventPoller {
  /** Events written so far. */
  readonly written: number;
  /**
   * Resolves once every change committed before the call is handled — its event written and its
   * purge done; rejects when that takes longer than `timeoutMs`.
   */
  flush(timeoutMs?: number): Promise<void>;
  /** Writes what the stream still holds (for at most `drainMs`), then stops; open purges resume at the next start. */
  stop(drainMs?: number): Promise<void>;
}

const MIN_INTERVAL_MS = 50;

type Image = Record<string, AttributeValue>;

function itemKey(image: Image | undefined): string | undefined {
  const pk = image?.[PARTITION_KEY]?.S;
  const sk = image?.[SORT_KEY]?.S;
  return pk !== undefined && sk !== undefined ? `${pk}\u0000${sk}` : undefined;
}

/** An outbox item past its expiry is one DynamoDB has deleted (or is about to): its event is no longer delivered. */
function expired(image: Image | undefined, now: number): boolean {
  const expiresAt = Number(image?.[TTL_ATTRIBUTE]?.N);
  return Number.isFinite(expiresAt) && expiresAt * 1000 < now;
}

const errorName = (error: unknown) => (error as { name?: string }).name ?? 'Error';

export async function startEventPoller(options: EventPollerOptions): Promise<EventPoller> {
  const log = options.log ?? ((message: string) => console.error(`local events: ${message}`));
  const output = options.output;
  if (output && output !== '-') await mkdir(dirname(output), { recursive: true });
  const checkpoints = new CheckpointStore(options.checkpointFile ?? (output && output !== '-' ? `${output}.checkpoint` : undefined), log);

  const streams = new DynamoDBStreamsClient({
    endpoint: options.endpoint,
    region: options.region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const currentStreamArn = async () => {
    const { Table } = await options.dynamo.send(new DescribeTableCommand({ TableName: options.tableName }));
    if (!Table?.LatestStreamArn) throw new Error(`table ${options.tableName} has no stream`);
    return Table.LatestStreamArn;
  };

  const streamArn = await currentStreamArn();
  const saved = await checkpoints.load();
  const resumes = saved !== undefined && saved.table === options.tableName && saved.streamArn === streamArn;
  const reader = new ShardReader(streams, streamArn, resumes ? saved.shards : [], log);
  const save = (): Promise<void> =>
    checkpoints.save({
      format: 1,
      table: options.tableName,
      streamArn: reader.streamArn,
      shards: reader.positions(),
      purges: purges.entries().map(([key, request]) => ({ key, ...request })),
    });
  const purges: PurgeQueue = new PurgeQueue(options.purge, save, log);
  for (const { key, instanceId, viewId } of saved?.purges ?? []) purges.add(key, { instanceId, viewId });
  // The stream the checkpoint points into is gone (a new table, or its stream was replaced): what
  // it held and was not yet handled can only be found in the table now.
  let needsReplay = saved !== undefined && !resumes;
  /** Outbox items written by a replay from the table, not to be written again when the stream brings them. */
  const replayed = new Set<string>();
  let written = 0;

  const writeEvents = async (records: StreamRecord[]) => {
    const now = Date.now();
    const lines: string[] = [];
    for (const record of records) {
      const image = record.dynamodb?.NewImage as Image | undefined;
      const key = itemKey(image);
      const event = eventOf(record);
      if (event && !expired(image, now) && !(key && replayed.has(key))) {
        lines.push(`${JSON.stringify(envelopeOf(event, options.accountId, options.region))}\n`);
      }
      // Kept even by a poller that does not purge: the checkpoint carries it to one that does.
      const purge = purgeRequestOf(record);
      if (purge && key) purges.add(key, purge);
    }
    if (lines.length === 0 || !output) return;
    if (output === '-') process.stdout.write(lines.join(''));
    else await appendFile(output, lines.join(''));
    written += lines.length;
  };

  const replay = async () => {
    const records = await outboxRecords(options.dynamo, options.tableName);
    await writeEvents(records);
    for (const record of records) {
      const key = itemKey(record.dynamodb?.NewImage as Image);
      if (key) replayed.add(key);
    }
    await save();
    log(`replayed the outbox from the table: ${records.length} items (events may repeat; their ids tell)`);
  };

  let failing: string | undefined;
  let stopping = false;
  /** One pass over the stream (and a replay first, when one is due); the records read, or -1 when reading failed. */
  const round = async (): Promise<number> => {
    try {
      if (needsReplay || reader.lostRecords) {
        needsReplay = true;
        reader.lostRecords = false;
        await replay();
        needsReplay = false;
      }
      const records = await reader.round(writeEvents, save);
      if (failing) log(`reading the stream works again (${failing} before)`);
      failing = undefined;
      return records;
    } catch (error) {
      if (errorName(error) === 'ResourceNotFoundException') {
        // The table or its stream was replaced: start over on the current one.
        const current = await currentStreamArn().catch(() => reader.streamArn);
        if (current !== reader.streamArn) {
          reader.switchTo(current);
          needsReplay = true;
        }
      }
      const problem = `${errorName(error)}: ${(error as Error).message}`;
      if (!stopping && failing !== problem) log(`reading the stream failed; retrying (${problem})`);
      failing = problem;
      return -1;
    }
  };

  // Rounds never overlap: the loop, flush() and stop() take turns.
  let turn = Promise.resolve(0);
  const takeTurn = () => {
    turn = turn.then(round, round);
    return turn;
  };

  const stopped = new AbortController();
  await takeTurn();
  purges.start();
  const loop = (async () => {
    let interval = MIN_INTERVAL_MS;
    while (!stopped.signal.aborted) {
      const records = await takeTurn();
      if (purges.owed > 0) purges.wake();
      // Quick while records flow, backing off to intervalMs when the stream is idle.
      interval = records > 0 ? MIN_INTERVAL_MS : Math.min(interval * 2, options.intervalMs ?? 500);
      await sleep(interval, undefined, { signal: stopped.signal }).catch(() => undefined);
    }
  })();

  const flush = async (timeoutMs = 30_000) => {
    const deadline = Date.now() + timeoutMs;
    reader.rediscover();
    for (;;) {
      const records = await takeTurn();
      if (records === 0 && purges.owed === 0) return;
      if (Date.now() > deadline) {
        throw new Error(`local events: not caught up within ${timeoutMs} ms (${failing ?? `${purges.owed} purges open`})`);
      }
      if (records <= 0) {
        purges.wake();
        await sleep(MIN_INTERVAL_MS);
      }
    }
  };

  return {
    get written() {
      return written;
    },
    flush,
    stop: async (drainMs = 5000) => {
      if (stopping) return;
      stopping = true;
      stopped.abort();
      await loop;
      // What the stream already holds is written now rather than at the next start.
      const deadline = Date.now() + drainMs;
      while (Date.now() < deadline && (await takeTurn()) > 0);
      await purges.stop();
      await save().catch((error: unknown) => log(`saving the checkpoint failed: ${(error as Error).message}`));
      streams.destroy();
    },
  };
}
