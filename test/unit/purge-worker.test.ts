import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Logger } from '@aws-lambda-powertools/logger';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { Context, DynamoDBStreamEvent } from 'aws-lambda';
import { createPurgeWorker, type Purger } from '../../lambda/events/purge-worker.ts';

const silent = new Logger({ logLevel: 'SILENT' });

function context(remainingMs: number): Context {
  return {
    awsRequestId: 'r',
    functionName: 'f',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:1:function:f',
    getRemainingTimeInMillis: () => remainingMs,
  } as Context;
}

function record(sequence: string, item: Record<string, unknown>, eventName = 'INSERT') {
  return { eventName, dynamodb: { SequenceNumber: sequence, NewImage: marshall(item) as never } };
}
const purgeRecord = (sequence: string, viewId: string) =>
  record(sequence, { PK: `OUTBOX#i#${viewId}`, SK: `P#2026-11-29T00:00:00.000Z#${sequence}`, kind: 'purge', instanceId: 'i', viewId });
const eventRecord = (sequence: string) =>
  record(sequence, {
    PK: 'OUTBOX#i#v',
    SK: `E#2026-11-29T00:00:00.000Z#${sequence}`,
    kind: 'event',
    detailType: 'View Deleted',
    detail: { eventId: sequence },
  });

/** A store double: each view needs `rounds[view]` calls before its purge is complete. */
function fakeStore(rounds: Record<string, number>, failing = new Set<string>()) {
  const calls: { viewId: string; deadline: number }[] = [];
  const store: Purger = {
    purgeView: async (_instanceId, viewId, deadline) => {
      calls.push({ viewId, deadline });
      if (failing.has(viewId)) throw new Error('injected');
      rounds[viewId] = (rounds[viewId] ?? 1) - 1;
      return rounds[viewId]! <= 0;
    },
  };
  return { store, calls };
}

const batch = (...records: unknown[]) => ({ Records: records }) as DynamoDBStreamEvent;

describe('the purge worker', () => {
  it('purges every requested view of a batch and ignores other records', async () => {
    const { store, calls } = fakeStore({ a: 1, b: 1 });
    const worker = createPurgeWorker(store, silent);
    const result = await worker(
      batch(
        purgeRecord('1', 'a'),
        eventRecord('2'),
        purgeRecord('3', 'b'),
        record('4', { PK: 'x', SK: 'P#y', kind: 'purge', instanceId: 'i', viewId: 'z' }, 'REMOVE'),
      ),
      context(60_000),
    );
    assert.deepEqual(result, { batchItemFailures: [] });
    assert.deepEqual(
      calls.map((c) => c.viewId),
      ['a', 'b'],
    );
  });

  it('a purge cut short by the invocation’s time is retried from its own record, keeping a margin to report', async () => {
    const { store, calls } = fakeStore({ a: 1, big: 3, c: 1 });
    const worker = createPurgeWorker(store, silent, 10_000);
    const started = Date.now();
    const records = [purgeRecord('1', 'a'), purgeRecord('2', 'big'), purgeRecord('3', 'c')];
    let result = await worker(batch(...records), context(60_000));
    assert.deepEqual(result, { batchItemFailures: [{ itemIdentifier: '2' }] }, 'Lambda resumes from the unfinished purge');
    assert.ok(calls[1]!.deadline <= started + 50_000 + 100, 'stops 10 s before the invocation would time out');
    // Lambda invokes again from record 2 until the purge is done, then goes on.
    result = await worker(batch(...records.slice(1)), context(60_000));
    assert.deepEqual(result, { batchItemFailures: [{ itemIdentifier: '2' }] });
    result = await worker(batch(...records.slice(1)), context(60_000));
    assert.deepEqual(result, { batchItemFailures: [] });
    assert.deepEqual(
      calls.map((c) => c.viewId),
      ['a', 'big', 'big', 'big', 'c'],
    );
  });

  it('a failing purge is reported for a retry from its record, not lost', async () => {
    const { store } = fakeStore({}, new Set(['bad']));
    const result = await createPurgeWorker(store, silent)(batch(purgeRecord('7', 'bad'), purgeRecord('8', 'ok')), context(60_000));
    assert.deepEqual(result, { batchItemFailures: [{ itemIdentifier: '7' }] });
  });
});
