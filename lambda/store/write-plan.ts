import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import type { ViewEvent } from '#domain/events.ts';
import type { ListedView, VersionRecord, ViewHead } from '#domain/view.ts';
import type { ActionPurpose } from './errors.ts';
import {
  COUNTER_FIELDS,
  HEAD_FIELDS,
  LISTING_UPDATABLE,
  contentSlots,
  chunksOf,
  headAttributes,
  listingAttributes,
  listingOf,
  sameStored,
  storedValue,
  storedVersion,
  type Blobs,
  type HeadField,
  type Item,
} from './items.ts';
import {
  HEAD_SK,
  PARTITION_KEY,
  TTL_ATTRIBUTE,
  contentChunkSk,
  eventSk,
  instancePartition,
  key,
  listingSk,
  outboxPartition,
  purgeSk,
  tokenSk,
  viewCountShard,
  viewCountSk,
  versionChunkSk,
  versionSk,
  viewPartition,
  type ContentSlot,
} from './keys.ts';

/**
 * The pure half of the store: what a change writes, as the actions of one TransactWriteItems, each
 * with the condition that makes it safe. No I/O here, so every condition can be seen (and tested)
 * without a database; `ViewStore` sends the plan.
 */
export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** One action and what its condition guards, so a cancellation reason can be told apart. */
export interface Action {
  item: TransactItem;
  purpose: ActionPurpose;
}

export interface ClientTokenRecord {
  tokenHash: string;
  viewId: string;
  fingerprint: string;
  /** Epoch seconds. */
  expiresAt: number;
}

/** Outbox items outlive the stream's 24-hour retention, then expire. */
export const OUTBOX_TTL_SECONDS = 2 * 24 * 60 * 60;

export interface ChangeOptions {
  /**
   * Head fields the change was derived from: the write happens only if they still hold the values
   * read. Only fields whose staleness would make the result wrong belong here, so that writers of
   * unrelated fields never make each other retry.
   */
  guards?: HeadField[];
  /** Content chunks for the aliases the change points elsewhere. */
  blobs?: Blobs;
  /** DeleteView: the head becomes a tombstone; listing goes, content stays for the purge. */
  tombstone?: boolean;
  extra?: Action[];
}

/** Every change of a view: head, listing, content chunks, then whatever else the change adds. */
export function planChange(tableName: string, before: ViewHead | undefined, after: ViewHead, options: ChangeOptions = {}): Action[] {
  const partition = viewPartition(after.instanceId, after.viewId);
  const blobs = options.blobs ?? new Map();
  const actions: Action[] = [
    before
      ? headUpdate(tableName, partition, before, after, blobs, options.guards ?? [], options.tombstone)
      : headCreate(tableName, partition, after, blobs),
  ];
  actions.push(...listingActions(tableName, before, options.tombstone ? undefined : after));
  if (!options.tombstone) actions.push(...chunkActions(tableName, partition, before, after, blobs));
  actions.push(...(options.extra ?? []));
  return actions;
}

function headCreate(tableName: string, partition: string, head: ViewHead, blobs: Blobs): Action {
  return {
    purpose: 'head',
    item: {
      Put: {
        TableName: tableName,
        Item: { ...key(partition, HEAD_SK), kind: 'view', ...headAttributes(head, blobs) },
        // View ids are random UUIDs: this only makes a collision impossible rather than improbable.
        ConditionExpression: 'attribute_not_exists(#pk)',
        ExpressionAttributeNames: { '#pk': PARTITION_KEY },
      },
    },
  };
}

/**
 * The head's changed fields, on the condition that the view exists, is not being deleted and that
 * every guarded field still holds the value read. When nothing changes the same condition is kept
 * as a ConditionCheck: a change of other items (a version, an outbox event) must never land on a
 * view that is gone.
 */
function headUpdate(
  tableName: string,
  partition: string,
  before: ViewHead,
  after: ViewHead,
  blobs: Blobs,
  guards: HeadField[],
  tombstone = false,
): Action {
  const names: Record<string, string> = { '#pk': PARTITION_KEY, '#deleting': 'deleting' };
  const values: Record<string, unknown> = {};
  const set: string[] = [];
  const remove: string[] = [];
  const add: string[] = [];
  const conditions = ['attribute_exists(#pk)', 'attribute_not_exists(#deleting)'];
  HEAD_FIELDS.forEach((field, index) => {
    const name = `#f${index}`;
    const old = before[field];
    const now = after[field];
    if (COUNTER_FIELDS.includes(field)) {
      // A count the view never kept stays unkept rather than start from a wrong base.
      if (typeof old === 'number' && typeof now === 'number' && now !== old) {
        names[name] = field;
        add.push(`${name} :add${index}`);
        values[`:add${index}`] = now - old;
      }
      return;
    }
    if (guards.includes(field)) {
      names[name] = field;
      if (old === undefined) conditions.push(`attribute_not_exists(${name})`);
      else {
        conditions.push(`${name} = :old${index}`);
        values[`:old${index}`] = storedValue(field, old);
      }
    }
    if (sameStored(field, old, now, blobs)) return;
    names[name] = field;
    if (now === undefined) remove.push(name);
    else {
      set.push(`${name} = :new${index}`);
      values[`:new${index}`] = storedValue(field, now, blobs);
    }
  });
  if (tombstone) {
    set.push('#deleting = :true');
    values[':true'] = true;
  }
  const target = {
    TableName: tableName,
    Key: key(partition, HEAD_SK),
    ConditionExpression: conditions.join(' AND '),
    ExpressionAttributeNames: names,
    ...(Object.keys(values).length ? { ExpressionAttributeValues: values } : {}),
  };
  if (set.length === 0 && remove.length === 0 && add.length === 0) return { purpose: 'head', item: { ConditionCheck: target } };
  const update = [
    set.length ? `SET ${set.join(', ')}` : '',
    remove.length ? `REMOVE ${remove.join(', ')}` : '',
    add.length ? `ADD ${add.join(', ')}` : '',
  ]
    .filter(Boolean)
    .join(' ');
  return { purpose: 'head', item: { Update: { ...target, UpdateExpression: update } } };
}

/**
 * The instance listing follows the head. Its item is keyed by type and name, so a rename moves it;
 * every action on an existing listing item requires it to still be this view's, which also fails
 * the transaction when a concurrent rename moved it away.
 */
function listingActions(tableName: string, before: ViewHead | undefined, after: ViewHead | undefined): Action[] {
  const previous = before ? listingOf(before) : undefined;
  const next = after ? listingOf(after) : undefined;
  const instance = instancePartition((after ?? before)!.instanceId);
  const listingKey = (listing: ListedView) => key(instance, listingSk(listing.type, listing.name));
  const ownedBy = (listing: ListedView) => ({
    ConditionExpression: '#viewId = :viewId',
    ExpressionAttributeNames: { '#viewId': 'viewId' },
    ExpressionAttributeValues: { ':viewId': listing.viewId },
  });
  const put = (listing: ListedView): Action => ({
    purpose: 'name',
    item: {
      Put: {
        TableName: tableName,
        Item: { ...listingKey(listing), kind: 'listing', ...listingAttributes(listing) },
        ConditionExpression: 'attribute_not_exists(#pk)',
        ExpressionAttributeNames: { '#pk': PARTITION_KEY },
      },
    },
  });
  const remove = (listing: ListedView): Action => ({
    purpose: 'listing',
    item: { Delete: { TableName: tableName, Key: listingKey(listing), ...ownedBy(listing) } },
  });
  // Only the fields that changed, so that concurrent writers of different fields never clobber each other.
  const update = (from: ListedView, to: ListedView): Action => {
    const guard = ownedBy(to);
    const set: string[] = [];
    const names: Record<string, string> = { ...guard.ExpressionAttributeNames };
    const values: Record<string, unknown> = { ...guard.ExpressionAttributeValues };
    const removed: string[] = [];
    for (const field of LISTING_UPDATABLE) {
      if (sameStored(field, from[field], to[field])) continue;
      names[`#${field}`] = field;
      if (to[field] === undefined) removed.push(`#${field}`);
      else {
        set.push(`#${field} = :${field}`);
        values[`:${field}`] = storedValue(field, to[field]);
      }
    }
    const expression = [set.length ? `SET ${set.join(', ')}` : '', removed.length ? `REMOVE ${removed.join(', ')}` : '']
      .filter(Boolean)
      .join(' ');
    return {
      purpose: 'listing',
      item: {
        Update: {
          TableName: tableName,
          Key: listingKey(to),
          UpdateExpression: expression,
          ConditionExpression: guard.ConditionExpression,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        },
      },
    };
  };
  if (!previous) return next ? [put(next)] : [];
  if (!next) return [remove(previous)];
  if (previous.name !== next.name || previous.type !== next.type) return [remove(previous), put(next)];
  return LISTING_UPDATABLE.every((field) => sameStored(field, previous[field], next[field])) ? [] : [update(previous, next)];
}

/**
 * Content an alias stops pointing at is deleted and content it starts pointing at is put, under
 * keys named by the content's id. Chunks are never overwritten: a reader matches them to the head
 * by id and so can tell a half-applied change from a whole one.
 */
function chunkActions(tableName: string, partition: string, before: ViewHead | undefined, after: ViewHead, blobs: Blobs): Action[] {
  const actions: Action[] = [];
  const old = contentSlots(before);
  const next = contentSlots(after);
  for (const slot of ['LATEST', 'SAVED'] as ContentSlot[]) {
    const from = old[slot];
    const to = next[slot];
    if (from?.id === to?.id) continue;
    if (to) {
      const chunks = blobs.get(to.id);
      if (!chunks) throw new Error(`content ${to.id} was not supplied to the write`);
      for (const [index, data] of chunks.entries()) {
        actions.push({
          purpose: 'item',
          item: { Put: { TableName: tableName, Item: { ...key(partition, contentChunkSk(slot, to.id, index)), data } } },
        });
      }
    }
    for (let index = 0; index < (from ? chunksOf(from) : 0); index++) {
      actions.push({
        purpose: 'item',
        item: { Delete: { TableName: tableName, Key: key(partition, contentChunkSk(slot, from!.id, index)) } },
      });
    }
  }
  return actions;
}

function putIfAbsent(tableName: string, item: Item, purpose: ActionPurpose = 'item'): Action {
  return {
    purpose,
    item: {
      Put: {
        TableName: tableName,
        Item: item,
        ConditionExpression: 'attribute_not_exists(#pk)',
        ExpressionAttributeNames: { '#pk': PARTITION_KEY },
      },
    },
  };
}

/**
 * The outbox item that makes an event of this transaction: the change stream publishes it, so it
 * exists exactly when the change committed.
 */
export function outboxEvent(tableName: string, event: ViewEvent): Action {
  const { instanceId, viewId, time, eventId } = event.detail;
  return putIfAbsent(tableName, {
    ...key(outboxPartition(instanceId, viewId), eventSk(time, eventId)),
    kind: 'event',
    detailType: event.detailType,
    detail: event.detail,
    [TTL_ATTRIBUTE]: Math.floor(Date.parse(time) / 1000) + OUTBOX_TTL_SECONDS,
  });
}

/**
 * A request to purge a deleted view's items, acted on from the change stream once the delete
 * committed, however long the purge takes and whatever happens to the request that deleted it.
 */
export function purgeRequest(tableName: string, instanceId: string, viewId: string, requestId: string, now: number): Action {
  const time = new Date(now).toISOString();
  return putIfAbsent(tableName, {
    ...key(outboxPartition(instanceId, viewId), purgeSk(time, requestId)),
    kind: 'purge',
    instanceId,
    viewId,
    [TTL_ATTRIBUTE]: Math.floor(now / 1000) + OUTBOX_TTL_SECONDS,
  });
}

/**
 * The instance's view count, kept in the transactions that create and delete views, for
 * SearchViews' ApproximateTotalCount. Unconditional: it never decides anything.
 */
export function viewCountChange(tableName: string, instanceId: string, viewId: string, delta: 1 | -1): Action {
  return {
    purpose: 'item',
    item: {
      Update: {
        TableName: tableName,
        Key: key(instancePartition(instanceId), viewCountSk(viewCountShard(viewId))),
        UpdateExpression: 'ADD #views :delta',
        ExpressionAttributeNames: { '#views': 'views' },
        ExpressionAttributeValues: { ':delta': delta },
      },
    },
  };
}

export function clientTokenPut(tableName: string, instanceId: string, token: ClientTokenRecord, now: number): Action {
  return {
    purpose: 'token',
    item: {
      Put: {
        TableName: tableName,
        Item: {
          ...key(instancePartition(instanceId), tokenSk(token.tokenHash)),
          kind: 'client-token',
          viewId: token.viewId,
          fingerprint: token.fingerprint,
          [TTL_ATTRIBUTE]: token.expiresAt,
        },
        // An expired record may linger until TTL removes it (days on AWS): it counts as absent.
        ConditionExpression: 'attribute_not_exists(#pk) OR #ttl < :now',
        ExpressionAttributeNames: { '#pk': PARTITION_KEY, '#ttl': TTL_ATTRIBUTE },
        ExpressionAttributeValues: { ':now': Math.floor(now / 1000) },
      },
    },
  };
}

/** The immutable version: its record and a copy of `$LATEST`'s chunks, each put only if absent. */
export function versionPuts(tableName: string, head: ViewHead, record: VersionRecord, chunks: Uint8Array[]): Action[] {
  const partition = viewPartition(head.instanceId, head.viewId);
  const blobs = new Map([[record.content.id, chunks]]);
  return [
    putIfAbsent(tableName, { ...key(partition, versionSk(record.version)), kind: 'version', ...storedVersion(record, blobs) }),
    ...chunks.map((data, index) => putIfAbsent(tableName, { ...key(partition, versionChunkSk(record.version, index)), data })),
  ];
}

/** The version's record (which must still exist: two deletions of one version cannot both succeed) and chunks. */
export function versionDeletes(tableName: string, head: ViewHead, record: VersionRecord): Action[] {
  const partition = viewPartition(head.instanceId, head.viewId);
  const actions: Action[] = [
    {
      purpose: 'item',
      item: {
        Delete: {
          TableName: tableName,
          Key: key(partition, versionSk(record.version)),
          ConditionExpression: 'attribute_exists(#pk)',
          ExpressionAttributeNames: { '#pk': PARTITION_KEY },
        },
      },
    },
  ];
  for (let index = 0; index < chunksOf(record.content); index++) {
    actions.push({
      purpose: 'item',
      item: { Delete: { TableName: tableName, Key: key(partition, versionChunkSk(record.version, index)) } },
    });
  }
  return actions;
}
