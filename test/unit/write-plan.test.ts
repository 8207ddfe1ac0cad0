import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ViewEvent } from '#domain/events.ts';
import type { ContentRef, VersionRecord, ViewHead } from '#domain/view.ts';
import {
  clientTokenPut,
  outboxEvent,
  planChange,
  purgeRequest,
  versionDeletes,
  versionPuts,
  viewCountChange,
  OUTBOX_TTL_SECONDS,
  type Action,
} from '#store/write-plan.ts';
import { CLIENT_TOKEN_TTL_SECONDS } from '#operations/create-view.ts';
import { refFromStored } from '#store/items.ts';

/** The transaction plans, without a database: which items each change touches, and on what condition. */
const TABLE = 't';
/** A reference to content of `chunks` chunks as read from the table. */
const ref = (id: string, chunks = 1): ContentRef => refFromStored({ id, sha256: `sha-${id}`, chunks });
const head = (overrides: Partial<ViewHead> = {}): ViewHead => ({
  instanceId: 'i',
  viewId: 'v',
  name: 'Name',
  type: 'CUSTOMER_MANAGED',
  status: 'PUBLISHED',
  saved: ref('c1'),
  latest: ref('c1'),
  versionCounter: 0,
  tags: {},
  createdTime: 1,
  lastModifiedTime: 1,
  ...overrides,
});
const record = (version: number, chunks = 1): VersionRecord => ({
  version,
  name: 'Name',
  type: 'CUSTOMER_MANAGED',
  content: ref('c1', chunks),
  publishedTime: 2,
  viewCreatedTime: 1,
});
const event: ViewEvent = {
  detailType: 'View Deleted',
  detail: { eventId: 'e1', instanceId: 'i', viewId: 'v', viewArn: 'arn', time: '2026-11-29T00:00:00.000Z' },
};

type Operation = 'Put' | 'Update' | 'Delete' | 'ConditionCheck';
function operationOf(action: Action): Operation {
  return Object.keys(action.item)[0] as Operation;
}
function body(action: Action): Record<string, any> {
  return (action.item as Record<string, any>)[operationOf(action)];
}
function keyOf(action: Action): string {
  const b = body(action);
  const k = b['Key'] ?? b['Item'];
  return `${k['PK']} ${k['SK']}`;
}
function summary(actions: Action[]): string[] {
  return actions.map((a) => `${operationOf(a)} ${keyOf(a)}`);
}
function headAction(actions: Action[]): Action {
  const found = actions.filter((a) => keyOf(a) === 'VIEW#i#v VIEW');
  assert.equal(found.length, 1, 'exactly one action on the head');
  return found[0]!;
}

describe('transaction plans', () => {
  const blobs = new Map([
    ['c2', [new Uint8Array([1]), new Uint8Array([2])]],
    ['c1', [new Uint8Array([1])]],
  ]);

  it('every change of an existing view requires its head to exist and not be a DeleteView tombstone', () => {
    const before = head({ highest: record(1), versionCounter: 1 });
    const plans = [
      planChange(TABLE, before, { ...before, saved: ref('c2', 2), latest: ref('c2', 2) }, { guards: ['saved'], blobs }),
      planChange(TABLE, before, { ...before, name: 'Other' }),
      planChange(TABLE, before, before, { extra: versionDeletes(TABLE, before, record(1)) }),
      planChange(TABLE, before, before, { tombstone: true }),
    ];
    for (const plan of plans) {
      const condition = String(body(headAction(plan))['ConditionExpression']);
      assert.match(condition, /^attribute_exists\(#pk\) AND attribute_not_exists\(#deleting\)/);
    }
  });

  it('a change that alters no head field still checks the head (ConditionCheck), so it never lands on a deleted view', () => {
    const before = head({ highest: record(2), versionCounter: 2 });
    const plan = planChange(TABLE, before, before, { extra: versionDeletes(TABLE, before, record(1)) });
    assert.equal(operationOf(headAction(plan)), 'ConditionCheck');
  });

  it('guards compare the fields the change was derived from with the values read, and only those', () => {
    const before = head({ description: 'd', versionCounter: 3 });
    const after = { ...before, versionCounter: 4, lastModifiedTime: 5 };
    const update = body(headAction(planChange(TABLE, before, after, { guards: ['versionCounter', 'latest', 'description'] })));
    const names = update['ExpressionAttributeNames'] as Record<string, string>;
    const values = update['ExpressionAttributeValues'] as Record<string, unknown>;
    const condition = String(update['ConditionExpression']);
    const guarded = [...condition.matchAll(/(#f\d+) = (:old\d+)/g)].map(([, name, value]) => [names[name!], values[value!]]);
    assert.deepEqual(guarded, [
      ['description', 'd'],
      ['latest', { id: 'c1', sha256: 'sha-c1', chunks: 1 }],
      ['versionCounter', 3],
    ]);
    assert.match(String(update['UpdateExpression']), /^SET /);
    const set = [...String(update['UpdateExpression']).matchAll(/(#f\d+) = :new/g)].map(([, name]) => names[name!]);
    assert.deepEqual(set.sort(), ['lastModifiedTime', 'versionCounter']);
  });

  it('counts change by a delta (ADD), never a value computed from the read; a count the view never kept stays unkept', () => {
    const before = head({ versions: 4 });
    const update = body(headAction(planChange(TABLE, before, { ...before, versions: 3 })));
    const names = update['ExpressionAttributeNames'] as Record<string, string>;
    const [, name, value] = /^ADD (#f\d+) (:add\d+)$/.exec(String(update['UpdateExpression']))!;
    assert.equal(names[name!], 'versions');
    assert.equal((update['ExpressionAttributeValues'] as Record<string, unknown>)[value!], -1);
    const unkept = planChange(TABLE, head(), { ...head(), versions: 1 });
    assert.equal(operationOf(headAction(unkept)), 'ConditionCheck');
  });

  it('a guard on a field that was absent requires it to be absent still', () => {
    const before = head();
    const update = body(headAction(planChange(TABLE, before, { ...before, tags: { a: '1' } }, { guards: ['description'] })));
    const names = update['ExpressionAttributeNames'] as Record<string, string>;
    const absent = [...String(update['ConditionExpression']).matchAll(/attribute_not_exists\((#f\d+)\)/g)].map(([, n]) => names[n!]);
    assert.deepEqual(absent, ['description']);
  });

  it('creating: head, name claim and ClientToken each only if absent; content under its id', () => {
    const created = head({ saved: ref('c1'), latest: ref('c1') });
    const plan = planChange(TABLE, undefined, created, {
      blobs,
      extra: [clientTokenPut(TABLE, 'i', { tokenHash: 'h', viewId: 'v', fingerprint: 'f', expiresAt: 100 }, 50_000)],
    });
    assert.deepEqual(summary(plan), ['Put VIEW#i#v VIEW', 'Put INSTANCE#i N#C#Name', 'Put VIEW#i#v VIEW#L#c1#00', 'Put INSTANCE#i T#h']);
    assert.equal(body(plan[0]!)['ConditionExpression'], 'attribute_not_exists(#pk)');
    assert.equal(body(plan[1]!)['ConditionExpression'], 'attribute_not_exists(#pk)');
    assert.deepEqual(
      [plan[0]!.purpose, plan[1]!.purpose, plan[3]!.purpose],
      ['head', 'name', 'token'],
      'a failed condition is told apart by what the action guards',
    );
    assert.equal(body(plan[3]!)['ConditionExpression'], 'attribute_not_exists(#pk) OR #ttl < :now', 'an expired token counts as absent');
  });

  it('content: new chunks under the new id, the old ones deleted, $SAVED chunks only while it differs from $LATEST', () => {
    const before = head({ saved: ref('s1', 1), latest: ref('c1', 1), status: 'SAVED' });
    const published = planChange(
      TABLE,
      before,
      { ...before, status: 'PUBLISHED', saved: ref('c2', 2), latest: ref('c2', 2), lastModifiedTime: 2 },
      { guards: ['saved'], blobs },
    );
    assert.deepEqual(summary(published).slice(2), [
      'Put VIEW#i#v VIEW#L#c2#00',
      'Put VIEW#i#v VIEW#L#c2#01',
      'Delete VIEW#i#v VIEW#L#c1#00',
      'Delete VIEW#i#v VIEW#S#s1#00',
    ]);
    const draft = planChange(
      TABLE,
      head(),
      { ...head(), status: 'SAVED', saved: ref('c2', 2), lastModifiedTime: 2 },
      { guards: ['saved'], blobs },
    );
    assert.deepEqual(summary(draft).slice(2), ['Put VIEW#i#v VIEW#S#c2#00', 'Put VIEW#i#v VIEW#S#c2#01'], '$LATEST untouched');
  });

  it('listing: updated in place on the condition that it is still this view’s; a rename moves it', () => {
    const before = head({ tags: { b: '2', a: '1' } });
    const touched = planChange(TABLE, before, { ...before, lastModifiedTime: 9 });
    const listing = body(touched[1]!);
    assert.equal(operationOf(touched[1]!), 'Update');
    assert.equal(listing['ConditionExpression'], '#viewId = :viewId');
    assert.equal(touched[1]!.purpose, 'listing');

    const renamed = planChange(TABLE, before, { ...before, name: 'New' });
    assert.deepEqual(summary(renamed), ['Update VIEW#i#v VIEW', 'Delete INSTANCE#i N#C#Name', 'Put INSTANCE#i N#C#New']);
    assert.equal(body(renamed[1]!)['ConditionExpression'], '#viewId = :viewId');
    assert.equal(body(renamed[2]!)['ConditionExpression'], 'attribute_not_exists(#pk)');
    assert.deepEqual(
      body(renamed[2]!)['Item']['tags'],
      [
        ['a', '1'],
        ['b', '2'],
      ],
      'tags stored as sorted pairs',
    );
  });

  it('tags with keys that are object properties elsewhere are stored as data', () => {
    const tags = Object.assign(
      Object.create(null) as Record<string, string>,
      JSON.parse('{"__proto__":"p","constructor":"c","toString":"t"}'),
    );
    const plan = planChange(TABLE, head(), { ...head(), tags }, { guards: ['tags'] });
    const update = body(headAction(plan));
    const stored = Object.entries(update['ExpressionAttributeValues'] as Record<string, unknown>).find(([name]) =>
      name.startsWith(':new'),
    )![1];
    assert.deepEqual(stored, [
      ['__proto__', 'p'],
      ['constructor', 'c'],
      ['toString', 't'],
    ]);
  });

  it('DeleteView: a tombstone, the listing removed (if still this view’s), content left for the purge', () => {
    const before = head();
    const plan = planChange(TABLE, before, before, {
      tombstone: true,
      extra: [outboxEvent(TABLE, event), purgeRequest(TABLE, 'i', 'v', 'p1', 0)],
    });
    assert.deepEqual(summary(plan), [
      'Update VIEW#i#v VIEW',
      'Delete INSTANCE#i N#C#Name',
      'Put OUTBOX#i#v E#2026-11-29T00:00:00.000Z#e1',
      'Put OUTBOX#i#v P#1970-01-01T00:00:00.000Z#p1',
    ]);
    assert.match(String(body(plan[0]!)['UpdateExpression']), /#deleting = :true/);
    assert.equal(body(plan[1]!)['ConditionExpression'], '#viewId = :viewId');
  });

  it('the instance’s view count is spread over 16 shards by view id, so that creations at once rarely meet on one item', () => {
    const shards = new Set(['0a', '1b', '9c', 'ad', 'fe', 'f0'].map((id) => keyOf(viewCountChange(TABLE, 'i', `${id}-view`, 1))));
    assert.deepEqual([...shards].sort(), [
      'INSTANCE#i COUNT#0',
      'INSTANCE#i COUNT#1',
      'INSTANCE#i COUNT#9',
      'INSTANCE#i COUNT#a',
      'INSTANCE#i COUNT#f',
    ]);
    const change = body(viewCountChange(TABLE, 'i', 'c0ffee', -1));
    assert.equal(change['UpdateExpression'], 'ADD #views :delta');
    assert.equal(change['ExpressionAttributeValues'][':delta'], -1);
    assert.equal(change['ConditionExpression'], undefined, 'a count decides nothing');
  });

  it('outbox items are put once, with their kind and an expiry two days on', () => {
    const [published, purge] = [outboxEvent(TABLE, event), purgeRequest(TABLE, 'i', 'v', 'p1', 1_000_000)];
    for (const action of [published, purge]) assert.equal(body(action)['ConditionExpression'], 'attribute_not_exists(#pk)');
    assert.equal(body(published)['Item']['kind'], 'event');
    assert.equal(body(published)['Item']['expiresAt'], Date.parse(event.detail.time) / 1000 + 2 * 24 * 3600);
    assert.deepEqual([body(purge)['Item']['kind'], body(purge)['Item']['instanceId'], body(purge)['Item']['viewId']], ['purge', 'i', 'v']);
  });

  it('writes every expiry in epoch seconds (what DynamoDB TTL reads), at its documented horizon', () => {
    // A time with milliseconds, so that seconds and milliseconds cannot be told apart by luck.
    const now = Date.UTC(2026, 11, 4, 10, 0, 0, 750);
    const seconds = Math.floor(now / 1000);
    const published = outboxEvent(TABLE, { ...event, detail: { ...event.detail, time: new Date(now).toISOString() } });
    assert.equal(body(published)['Item']['expiresAt'], seconds + OUTBOX_TTL_SECONDS, 'an event: two days after it happened');
    assert.equal(
      body(purgeRequest(TABLE, 'i', 'v', 'p1', now))['Item']['expiresAt'],
      seconds + OUTBOX_TTL_SECONDS,
      'a purge request: two days',
    );
    const token = { tokenHash: 'h', viewId: 'v', fingerprint: 'f', expiresAt: seconds + CLIENT_TOKEN_TTL_SECONDS };
    const put = body(clientTokenPut(TABLE, 'i', token, now));
    assert.equal(put['Item']['expiresAt'], seconds + 24 * 3600, 'a ClientToken: 24 hours');
    // The claim may replace a record that expired by the same clock, in the same unit.
    assert.equal(put['ConditionExpression'], 'attribute_not_exists(#pk) OR #ttl < :now');
    assert.equal(put['ExpressionAttributeValues'][':now'], seconds);
    assert.equal(OUTBOX_TTL_SECONDS, 2 * 24 * 3600);
    assert.equal(CLIENT_TOKEN_TTL_SECONDS, 24 * 3600);
  });

  it('versions: record and chunks only if absent; a deletion requires the record to exist', () => {
    const puts = versionPuts(TABLE, head(), record(7, 2), [new Uint8Array([1]), new Uint8Array([2])]);
    assert.deepEqual(summary(puts), ['Put VIEW#i#v V#0000000007', 'Put VIEW#i#v B#0000000007#00', 'Put VIEW#i#v B#0000000007#01']);
    for (const put of puts) assert.equal(body(put)['ConditionExpression'], 'attribute_not_exists(#pk)');
    const deletes = versionDeletes(TABLE, head(), record(7, 2));
    assert.deepEqual(summary(deletes), [
      'Delete VIEW#i#v V#0000000007',
      'Delete VIEW#i#v B#0000000007#00',
      'Delete VIEW#i#v B#0000000007#01',
    ]);
    assert.equal(body(deletes[0]!)['ConditionExpression'], 'attribute_exists(#pk)');
  });
});
