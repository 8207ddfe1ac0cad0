import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { CheckpointStore } from '../../emulator/stream/checkpoint-store.ts';
import { ShardReader } from '../../emulator/stream/shard-reader.ts';
import { retryOnConflict } from '#operations/context.ts';
import { DynamoIo } from '#store/dynamo-io.ts';
import { ClientTokenTaken, ConcurrentModification, NameTaken, StoreFault, StoreThrottled, translateStoreError } from '#store/errors.ts';
import { key } from '#store/keys.ts';
import { ensureTable } from '#store/table.ts';

/**
 * Every place that tolerates one error by name — "not found" means absent, "already exists" means
 * someone else did it, "condition failed" means nothing to do — must let every other error through.
 * A catch widened by a slip turns throttling, a denied permission or a broken file into a quiet
 * "nothing there", with no 5xx and no alarm. Each case sends the tolerated error and others.
 */
const awsError = (name: string, extra: Record<string, unknown> = {}) => Object.assign(new Error(`${name}!`), { name, ...extra });

/** A client whose every call answers with the next of `answers` (an Error is thrown), recording the commands. */
function scriptedClient<T>(answers: unknown[]): T & { sent: string[] } {
  const sent: string[] = [];
  const client = {
    sent,
    async send(command: object) {
      sent.push(command.constructor.name);
      // A call nobody scripted fails at once: a widened catch that carries on must not wait on a waiter.
      if (answers.length === 0) throw new Error(`unscripted call: ${command.constructor.name}`);
      const answer = answers.shift();
      if (answer instanceof Error) throw answer;
      return answer;
    },
  };
  return client as unknown as T & { sent: string[] };
}

const HEAD = key('VIEW#i#v', 'HEAD');
const DELETING = { expression: '#d = :t', names: { '#d': 'deleting' }, values: { ':t': true } };

describe('DynamoIo.deleteIf tolerates a failed condition only', () => {
  it('answers false for ConditionalCheckFailedException', async () => {
    const io = new DynamoIo(scriptedClient<DynamoDBDocumentClient>([awsError('ConditionalCheckFailedException')]), 't');
    assert.equal(await io.deleteIf(HEAD, DELETING), false);
  });

  it('surfaces throttling as StoreThrottled and anything else as a StoreFault', async () => {
    for (const [name, expected] of [
      ['ProvisionedThroughputExceededException', StoreThrottled],
      ['ThrottlingException', StoreThrottled],
      ['AccessDeniedException', StoreFault],
      ['InternalServerError', StoreFault],
      ['ResourceNotFoundException', StoreFault],
    ] as const) {
      const io = new DynamoIo(scriptedClient<DynamoDBDocumentClient>([awsError(name)]), 't');
      await assert.rejects(io.deleteIf(HEAD, DELETING), expected, name);
    }
  });
});

describe('translateStoreError names each DynamoDB failure as the store’s own', () => {
  const translated = (error: unknown, purposes?: Parameters<typeof translateStoreError>[1]) => {
    try {
      translateStoreError(error, purposes);
    } catch (thrown) {
      return thrown;
    }
    assert.fail('translateStoreError returned');
  };
  const cancelled = (...codes: string[]) =>
    awsError('TransactionCanceledException', { CancellationReasons: codes.map((Code) => ({ Code })) });

  it('maps throttling, conflicts and failed conditions', () => {
    assert.ok(translated(awsError('ProvisionedThroughputExceededException')) instanceof StoreThrottled);
    assert.ok(translated(awsError('RequestLimitExceeded')) instanceof StoreThrottled);
    assert.ok(translated(awsError('TransactionConflictException')) instanceof ConcurrentModification);
    assert.ok(translated(awsError('TransactionInProgressException')) instanceof ConcurrentModification);
    assert.ok(translated(awsError('ConditionalCheckFailedException')) instanceof ConcurrentModification);
  });

  it('reads a cancelled transaction by the purpose of the item whose condition failed', () => {
    assert.ok(translated(cancelled('None', 'ConditionalCheckFailed'), ['head', 'token']) instanceof ClientTokenTaken);
    assert.ok(translated(cancelled('ConditionalCheckFailed', 'None'), ['name', 'head']) instanceof NameTaken);
    assert.ok(
      translated(cancelled('ConditionalCheckFailed', 'ConditionalCheckFailed'), ['name', 'head']) instanceof ConcurrentModification,
      'a name claim failing beside a guard is decided again',
    );
    assert.ok(translated(cancelled('None', 'TransactionConflict'), ['head', 'item']) instanceof ConcurrentModification);
    assert.ok(translated(cancelled('ThrottlingError', 'None'), ['head', 'item']) instanceof StoreThrottled);
  });

  it('turns everything else into a StoreFault that keeps the cause, never into a tolerated error', () => {
    for (const error of [awsError('AccessDeniedException'), awsError('ValidationException'), cancelled('ValidationError'), 'a string']) {
      const thrown = translated(error, ['head']);
      assert.ok(thrown instanceof StoreFault, String(error));
    }
    const cause = awsError('ItemCollectionSizeLimitExceededException');
    assert.equal((translated(cause) as Error).cause, cause);
  });
});

describe('ensureTable tolerates "no such table" and "created meanwhile" only', () => {
  const created = [awsError('ResourceNotFoundException'), {}, { Table: { TableStatus: 'ACTIVE' } }, {}];

  it('creates a missing table, and leaves one another process created first', async () => {
    const client = scriptedClient<DynamoDBClient>([...created]);
    assert.equal(await ensureTable(client, 't'), true);
    assert.deepEqual(client.sent.slice(0, 2), ['DescribeTableCommand', 'CreateTableCommand']);
    const raced = scriptedClient<DynamoDBClient>([awsError('ResourceNotFoundException'), awsError('ResourceInUseException')]);
    assert.equal(await ensureTable(raced, 't'), false);
  });

  it('surfaces any other failure to describe or create it', async () => {
    for (const name of ['AccessDeniedException', 'ThrottlingException', 'UnrecognizedClientException']) {
      await assert.rejects(ensureTable(scriptedClient<DynamoDBClient>([awsError(name)]), 't'), { name }, `describe: ${name}`);
      const create = scriptedClient<DynamoDBClient>([awsError('ResourceNotFoundException'), awsError(name)]);
      await assert.rejects(ensureTable(create, 't'), { name }, `create: ${name}`);
    }
  });
});

describe('the emulator’s checkpoint file: missing is "none", unreadable is replayed, other failures surface', () => {
  const folder = mkdtempSync(join(tmpdir(), 'checkpoint-'));
  const quiet = () => {};

  it('treats a missing file as no checkpoint and garbage as unreadable', async () => {
    assert.equal(await new CheckpointStore(join(folder, 'missing.json'), quiet).load(), undefined);
    writeFileSync(join(folder, 'garbage.json'), '{not json');
    const unreadable = await new CheckpointStore(join(folder, 'garbage.json'), quiet).load();
    assert.deepEqual(unreadable?.shards, []);
  });

  it('surfaces a checkpoint path it cannot read (a directory), rather than starting over silently', async () => {
    mkdirSync(join(folder, 'a-directory.json'));
    await assert.rejects(new CheckpointStore(join(folder, 'a-directory.json'), quiet).load(), { code: 'EISDIR' });
    rmSync(folder, { recursive: true, force: true });
  });
});

describe('the emulator’s shard reader: a trimmed shard is read again, other stream errors surface', () => {
  const described = { StreamDescription: { Shards: [{ ShardId: 'shard-1' }] } };
  const noop = async () => {};

  it('reads a trimmed shard again from its start', async () => {
    const streams = scriptedClient<DynamoDBStreamsClient>([described, awsError('TrimmedDataAccessException')]);
    const reader = new ShardReader(streams, 'arn:stream', [], () => {});
    assert.equal(await reader.round(noop, noop), 1);
    assert.equal(reader.lostRecords, false, 'nothing was handled yet: nothing lost');
  });

  it('throws any other failure to read, so the round is retried and the position kept', async () => {
    for (const name of ['ExpiredIteratorException', 'LimitExceededException', 'AccessDeniedException', 'InternalServerError']) {
      const streams = scriptedClient<DynamoDBStreamsClient>([described, awsError(name)]);
      const reader = new ShardReader(streams, 'arn:stream', [['shard-1', '42']], () => {});
      await assert.rejects(reader.round(noop, noop), { name });
      assert.deepEqual(reader.positions(), [['shard-1', '42']], 'the saved position stands');
      assert.equal(reader.lostRecords, false);
    }
  });
});

describe('retryOnConflict retries a lost race only', () => {
  it('passes every other error through on the first attempt', async () => {
    for (const error of [new StoreThrottled(), new NameTaken(), new StoreFault('x'), new Error('plain')]) {
      let attempts = 0;
      await assert.rejects(
        retryOnConflict(async () => {
          attempts++;
          throw error;
        }),
        (thrown) => thrown === error,
      );
      assert.equal(attempts, 1, error.constructor.name);
    }
  });

  it('tries a ConcurrentModification again', async () => {
    let attempts = 0;
    const answer = await retryOnConflict(
      async () => {
        if (++attempts < 3) throw new ConcurrentModification();
        return 'done';
      },
      () => 0,
    );
    assert.equal(answer, 'done');
    assert.equal(attempts, 3);
  });
});
