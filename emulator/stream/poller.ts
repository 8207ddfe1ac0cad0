import { appendFile, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DescribeTableCommand, ScanCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type Shard,
} from '@aws-sdk/client-dynamodb-streams';
import { envelopeOf, eventOf, purgeRequestOf, type PurgeRequest, type StreamRecord } from '../../lambda/events/outbox.ts';

/**
 * Locally, the stream consumers' jobs: DynamoDB Local keeps a change stream like DynamoDB's, and
 * this poller reads it, writes each outbox event as an EventBridge target would receive it to a
 * JSON-lines file (or stdout), and finishes each DeleteView by calling `purge` for its purge request.
 * The same `eventOf` / `purgeRequestOf` decide what a record is, in Lambda and here.
 *
 * Nothing is lost across restarts, however the service stopped: DynamoDB Local keeps its stream on
 * disk (shards and records survive a restart with -dbPath, also after kill -9), so the poller keeps
 * a checkpoint — the last sequence number handled per shard, and the purges not yet done — and
 * resumes after it. A record's event is appended before the checkpoint moves past it, so delivery is
 * at least once: after a crash between the two, an event is written again with the same `id`.
 * When the stream cannot cover the gap (the checkpoint's stream is gone, or the records after the
 * checkpoint were trimmed), the outbox itself is replayed from a scan of the table.
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
  purge?: (request: PurgeRequest, signal: AbortSignal) => Promise<void>;
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

interface ShardState {
  /** The last record handled; the checkpoint. */
  lastSequence?: string;
  iterator?: string;
  /** A closed shard read to its end. */
  done: boolean;
}

interface Checkpoint {
  format: 1;
  table: string;
  streamArn: string;
  shards: [shardId: string, sequence: string][];
  purges: (PurgeRequest & { key: string })[];
}

const MIN_INTERVAL_MS = 50;
const DISCOVERY_EVERY_MS = 5000;

type Image = Record<string, AttributeValue>;

function itemKey(image: Image | undefined): string | undefined {
  const pk = image?.['PK']?.S;
  const sk = image?.['SK']?.S;
  return pk !== undefined && sk !== undefined ? `${pk}\u0000${sk}` : undefined;
}

/** An outbox item past its expiry is one DynamoDB has deleted (or is about to): its event is no longer delivered. */
function expired(image: Image | undefined, now: number): boolean {
  const expiresAt = Number(image?.['expiresAt']?.N);
  return Number.isFinite(expiresAt) && expiresAt * 1000 < now;
}

function errorName(error: unknown): string {
  return (error as { name?: string }).name ?? 'Error';
}

/** Waits `ms`, or less when `signal` aborts. */
const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });

export async function startEventPoller(options: EventPollerOptions): Promise<EventPoller> {
  const log = options.log ?? ((message: string) => console.error(`local events: ${message}`));
  const output = options.output;
  const checkpointFile = options.checkpointFile ?? (output && output !== '-' ? `${output}.checkpoint` : undefined);
  if (output && output !== '-') await mkdir(dirname(output), { recursive: true });
  if (checkpointFile) await mkdir(dirname(checkpointFile), { recursive: true });

  const streams = new DynamoDBStreamsClient({
    endpoint: options.endpoint,
    region: options.region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const streamArnOf = async () => {
    const { Table } = await options.dynamo.send(new DescribeTableCommand({ TableName: options.tableName }));
    if (!Table?.LatestStreamArn) throw new Error(`table ${options.tableName} has no stream`);
    return Table.LatestStreamArn;
  };

  let streamArn = await streamArnOf();
  const shards = new Map<string, ShardState>();
  const purges = new Map<string, PurgeRequest>();
  /** Outbox items written by a replay from the table, not to be written again when the stream brings them. */
  const replayed = new Set<string>();
  /** Purges this poller owes: none when it was given nothing to purge with (they stay in the checkpoint). */
  const openPurges = () => (options.purge ? purges.size : 0);
  let written = 0;
  let lastDiscovery = 0;
  let needsReplay = false;

  const saved = await readCheckpoint(checkpointFile, log);
  if (saved && saved.table === options.tableName && saved.streamArn === streamArn) {
    for (const [shardId, sequence] of saved.shards) shards.set(shardId, { lastSequence: sequence, done: false });
    for (const { key, instanceId, viewId } of saved.purges) purges.set(key, { instanceId, viewId });
  } else if (saved) {
    // The stream the checkpoint points into is gone (a new table, or its stream was replaced):
    // what it held and was not yet handled can only be found in the table now.
    for (const { key, instanceId, viewId } of saved.purges) purges.set(key, { instanceId, viewId });
    needsReplay = true;
  }

  // ---- the checkpoint ------------------------------------------------------------------------
  let saving = Promise.resolve();
  const saveCheckpoint = () => {
    if (!checkpointFile) return Promise.resolve();
    const checkpoint: Checkpoint = {
      format: 1,
      table: options.tableName,
      streamArn,
      shards: [...shards].filter(([, shard]) => shard.lastSequence !== undefined).map(([id, shard]) => [id, shard.lastSequence!]),
      purges: [...purges].map(([key, request]) => ({ key, ...request })),
    };
    saving = saving.then(async () => {
      // Written aside and renamed, so that a kill at any moment leaves the old or the new checkpoint.
      const temporary = `${checkpointFile}.${process.pid}.tmp`;
      await writeFile(temporary, JSON.stringify(checkpoint));
      await rename(temporary, checkpointFile);
    });
    return saving;
  };

  // ---- handling records ----------------------------------------------------------------------
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
      if (purge && key) purges.set(key, purge);
    }
    if (lines.length === 0 || !output) return;
    if (output === '-') process.stdout.write(lines.join(''));
    else await appendFile(output, lines.join(''));
    written += lines.length;
  };

  /** The outbox from a scan of the table: every event not yet expired, in time order, and every purge request. */
  const replayOutbox = async () => {
    const records: StreamRecord[] = [];
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await options.dynamo.send(
        new ScanCommand({
          TableName: options.tableName,
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
    const sortKey = (record: StreamRecord) => (record.dynamodb?.NewImage as Image | undefined)?.['SK']?.S ?? '';
    records.sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0));
    await writeEvents(records);
    for (const record of records) {
      const key = itemKey(record.dynamodb?.NewImage as Image);
      if (key) replayed.add(key);
    }
    await saveCheckpoint();
    log(`replayed the outbox from the table: ${records.length} items (events may repeat; their ids tell)`);
  };

  // ---- reading the stream --------------------------------------------------------------------
  const discover = async () => {
    const found: Shard[] = [];
    let exclusiveStart: string | undefined;
    do {
      const { StreamDescription } = await streams.send(
        new DescribeStreamCommand({ StreamArn: streamArn, ...(exclusiveStart ? { ExclusiveStartShardId: exclusiveStart } : {}) }),
      );
      found.push(...(StreamDescription?.Shards ?? []));
      exclusiveStart = StreamDescription?.LastEvaluatedShardId;
    } while (exclusiveStart);
    for (const shard of found) if (shard.ShardId && !shards.has(shard.ShardId)) shards.set(shard.ShardId, { done: false });
    // Shards the stream no longer lists were trimmed away: nothing left to read or keep.
    const listed = new Set(found.map((shard) => shard.ShardId));
    for (const id of shards.keys()) if (!listed.has(id)) shards.delete(id);
    lastDiscovery = Date.now();
  };

  const iteratorFor = async (shardId: string, shard: ShardState) => {
    const { ShardIterator } = await streams.send(
      new GetShardIteratorCommand({
        StreamArn: streamArn,
        ShardId: shardId,
        ...(shard.lastSequence
          ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: shard.lastSequence }
          : { ShardIteratorType: 'TRIM_HORIZON' }),
      }),
    );
    return ShardIterator;
  };

  let failing: string | undefined;
  /** One pass over every shard; the number of records read, or -1 when a read failed. */
  const round = async (): Promise<number> => {
    let records = 0;
    try {
      if (needsReplay) {
        needsReplay = false;
        await replayOutbox().catch((error: unknown) => {
          needsReplay = true;
          throw error;
        });
      }
      if (Date.now() - lastDiscovery > DISCOVERY_EVERY_MS) await discover();
      for (const [shardId, shard] of shards) {
        if (shard.done) continue;
        try {
          shard.iterator ??= await iteratorFor(shardId, shard);
          if (!shard.iterator) {
            shard.done = true;
            continue;
          }
          const { Records = [], NextShardIterator } = await streams.send(new GetRecordsCommand({ ShardIterator: shard.iterator }));
          await writeEvents(Records as StreamRecord[]);
          const last = Records.at(-1)?.dynamodb?.SequenceNumber;
          if (last) shard.lastSequence = last;
          shard.iterator = NextShardIterator;
          if (!NextShardIterator) shard.done = true;
          if (Records.length > 0) await saveCheckpoint();
          records += Records.length;
        } catch (error) {
          shard.iterator = undefined;
          if (errorName(error) !== 'TrimmedDataAccessException') throw error;
          // DynamoDB Local numbers records across all its tables, so an iterator taken on a shard
          // that was still empty can point before the shard's first record once other tables wrote
          // in between; it then reports the shard as trimmed. With nothing handled yet, reading the
          // shard from its start again loses nothing. Past a checkpoint, records really are gone.
          if (shard.lastSequence) {
            log(`the stream no longer holds the records after the checkpoint of ${shardId}; replaying the outbox from the table`);
            shard.lastSequence = undefined;
            needsReplay = true;
          }
          records += 1;
        }
      }
      if (failing) log(`reading the stream works again (${failing} before)`);
      failing = undefined;
      return records;
    } catch (error) {
      if (errorName(error) === 'ResourceNotFoundException') {
        // The table or its stream was replaced: start over on the current one.
        const current = await streamArnOf().catch(() => streamArn);
        if (current !== streamArn) {
          streamArn = current;
          shards.clear();
          needsReplay = true;
          lastDiscovery = 0;
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

  // ---- purges --------------------------------------------------------------------------------
  const purging = new AbortController();
  const retryAt = new Map<string, { at: number; attempts: number }>();
  let wakePurger = () => {};
  const purgeLoop = async () => {
    while (!purging.signal.aborted) {
      const now = Date.now();
      const next = [...purges].find(([key]) => (retryAt.get(key)?.at ?? 0) <= now);
      if (!next || !options.purge) {
        await new Promise<void>((resolve) => {
          wakePurger = resolve;
          setTimeout(resolve, 500);
        });
        continue;
      }
      const [key, request] = next;
      try {
        await options.purge(request, purging.signal);
        if (purging.signal.aborted) break;
        purges.delete(key);
        retryAt.delete(key);
        await saveCheckpoint();
      } catch (error) {
        if (purging.signal.aborted) break;
        const attempts = (retryAt.get(key)?.attempts ?? 0) + 1;
        retryAt.set(key, { at: Date.now() + Math.min(30_000, 250 * 2 ** attempts), attempts });
        log(`purging view ${request.viewId} of ${request.instanceId} failed (attempt ${attempts}); retrying: ${(error as Error).message}`);
      }
    }
  };

  // ---- the loop ------------------------------------------------------------------------------
  let stopping = false;
  const stopped = new AbortController();
  await takeTurn();
  const purger = purgeLoop();
  const loop = (async () => {
    let interval = MIN_INTERVAL_MS;
    while (!stopped.signal.aborted) {
      const records = await takeTurn();
      if (openPurges() > 0) wakePurger();
      // Quick while records flow, backing off to intervalMs when the stream is idle.
      interval = records > 0 ? MIN_INTERVAL_MS : Math.min(interval * 2, options.intervalMs ?? 500);
      await sleep(interval, stopped.signal);
    }
  })();

  const flush = async (timeoutMs = 30_000) => {
    const deadline = Date.now() + timeoutMs;
    lastDiscovery = 0;
    for (;;) {
      const records = await takeTurn();
      if (records === 0 && openPurges() === 0) return;
      if (Date.now() > deadline) {
        throw new Error(`local events: not caught up within ${timeoutMs} ms (${failing ?? `${openPurges()} purges open`})`);
      }
      if (records <= 0) {
        wakePurger();
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
      purging.abort();
      wakePurger();
      await purger;
      await saveCheckpoint().catch((error: unknown) => log(`saving the checkpoint failed: ${(error as Error).message}`));
      streams.destroy();
    },
  };
}

async function readCheckpoint(file: string | undefined, log: (message: string) => void): Promise<Checkpoint | undefined> {
  if (!file) return undefined;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const checkpoint = JSON.parse(text) as Checkpoint;
    if (checkpoint.format === 1 && Array.isArray(checkpoint.shards) && Array.isArray(checkpoint.purges)) return checkpoint;
  } catch {
    // reported below
  }
  log(`the checkpoint ${file} is unreadable; replaying the outbox from the table`);
  return { format: 1, table: '', streamArn: '', shards: [], purges: [] };
}
