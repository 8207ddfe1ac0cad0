import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { marshall } from '@aws-sdk/util-dynamodb';
import { eventOf, purgeRequestOf, type StreamRecord } from '../../lambda/events/outbox.ts';

function record(eventName: 'INSERT' | 'MODIFY' | 'REMOVE', item: Record<string, unknown>): StreamRecord {
  return { eventName, dynamodb: { SequenceNumber: '1', NewImage: marshall(item, { removeUndefinedValues: true }) } };
}

const purge = { PK: 'OUTBOX#i#v', SK: 'P#2026-11-29T00:00:00.000Z#p1', kind: 'purge', instanceId: 'i', viewId: 'v', expiresAt: 1 };

describe('purge requests in the change stream', () => {
  it('an inserted purge request names the view to purge', () => {
    assert.deepEqual(purgeRequestOf(record('INSERT', purge)), { instanceId: 'i', viewId: 'v' });
    assert.equal(eventOf(record('INSERT', purge)), undefined, 'a purge request is not an event');
  });

  it('is found by its attributes, whatever partition holds it', () => {
    assert.deepEqual(purgeRequestOf(record('INSERT', { ...purge, PK: 'VIEW#i#v' })), { instanceId: 'i', viewId: 'v' });
  });

  it('nothing else is one: its expiry or change, other kinds, other sort keys, a request that names no view', () => {
    assert.equal(purgeRequestOf(record('REMOVE', purge)), undefined);
    assert.equal(purgeRequestOf(record('MODIFY', purge)), undefined);
    assert.equal(purgeRequestOf(record('INSERT', { ...purge, kind: 'event' })), undefined);
    assert.equal(purgeRequestOf(record('INSERT', { ...purge, SK: 'E#2026-11-29T00:00:00.000Z#p1' })), undefined);
    assert.equal(purgeRequestOf(record('INSERT', { ...purge, viewId: undefined })), undefined);
    assert.equal(purgeRequestOf({ eventName: 'INSERT', dynamodb: {} }), undefined);
  });
});
