import { randomUUID } from 'node:crypto';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  type DynamoDBDocumentClient,
  type QueryCommandInput,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { ViewStatus } from '#domain/content.ts';
import type { ViewEvent } from '#domain/events.ts';
import type { ContentRef, ListedView, VersionRecord, ViewHead, ViewType } from '#domain/view.ts';
import { translateStoreError, StoreFault, type ActionPurpose } from './errors.ts';
import {
  HEAD_SK,
  LATEST_PREFIX,
  PARTITION_KEY,
  PREFIX_END,
  SAVED_PREFIX,
  SORT_KEY,
  TTL_ATTRIBUTE,
  VERSION_PREFIX,
  eventSk,
  instancePartition,
  key,
  latestChunkSk,
  listingSk,
  listingTypePrefix,
  savedChunkSk,
  tokenSk,
  versionChunkPrefix,
  versionChunkSk,
  versionSk,
  viewPartition,
  type Key,
} from './keys.ts';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];
type Item = Record<string, unknown>;

/** A view of the listing: what ListViews returns for one view. */
/**
 * A view as the instance's listing holds it: what ListViews returns and what SearchViews filters,
 * so that neither has to read each view's own partition.
 */
export type ViewListing = ListedView;

/** The listing fields a change can touch without moving the item (the name and type are its key). */
const LISTING_UPDATABLE = ['description', 'status', 'tags', 'lastModifiedTime'] as const;

export interface ClientTokenRecord {
  tokenHash: string;
  viewId: string;
  fingerprint: string;
  /** Epoch seconds. */
  expiresAt: number;
}

export interface Page<T> {
  items: T[];
  /** Sort key of the last item returned, when more items follow. */
  after?: string;
}

/** Head plus the chunks of the content one alias points at. */
export interface AliasRead {
  head: ViewHead;
  chunks: Uint8Array[];
}

export interface VersionRead {
  head?: ViewHead;
  version?: VersionRecord;
  chunks: Uint8Array[];
}

/** Chunks of content that a write stores, by content id. */
export type Blobs = ReadonlyMap<string, Uint8Array[]>;

const HEAD_FIELDS = [
  'instanceId',
  'viewId',
  'name',
  'description',
  'type',
  'status',
  'saved',
  'latest',
  'versionCounter',
  'highest',
  'tags',
  'createdTime',
  'lastModifiedTime',
] as const;

/** A field of the head, as conditions name them. */
export type HeadField = (typeof HEAD_FIELDS)[number];

type Action = { item: TransactItem; purpose: ActionPurpose };

/** Outbox events outlive the stream's 24-hour retention, then expire. */
const EVENT_TTL_SECONDS = 2 * 24 * 60 * 60;

function headFromItem(item: Item | undefined): ViewHead | undefined {
  if (!item || item['deleting']) return undefined;
  const head: Record<string, unknown> = {};
  for (const field of HEAD_FIELDS) if (item[field] !== undefined) head[field] = item[field];
  return head as unknown as ViewHead;
}

function versionFromItem(item: Item): VersionRecord {
  const { [PARTITION_KEY]: _pk, [SORT_KEY]: _sk, kind: _kind, ...record } = item;
  return record as unknown as VersionRecord;
}

function listingOf(head: ViewHead): ViewListing {
  return {
    viewId: head.viewId,
    name: head.name,
    ...(head.description === undefined ? {} : { description: head.description }),
    type: head.type,
    status: head.status,
    tags: head.tags,
    createdTime: head.createdTime,
    lastModifiedTime: head.lastModifiedTime,
  };
}

function listingFromItem(item: Item): ViewListing {
  return {
    viewId: String(item['viewId']),
    name: String(item['name']),
    ...(item['description'] === undefined ? {} : { description: String(item['description']) }),
    type: item['type'] as ViewType,
    status: item['status'] as ViewStatus,
    tags: (item['tags'] as Record<string, string> | undefined) ?? {},
    createdTime: Number(item['createdTime'] ?? 0),
    lastModifiedTime: Number(item['lastModifiedTime'] ?? 0),
  };
}

function sameListing(a: ViewListing, b: ViewListing): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Where each piece of content lives: `$SAVED` has chunks of its own only when it differs from `$LATEST`. */
function contentSlots(head: ViewHead | undefined): { latest?: ContentRef; saved?: ContentRef } {
  if (!head) return {};
  return {
    ...(head.latest ? { latest: head.latest } : {}),
    ...(head.saved.id !== head.latest?.id ? { saved: head.saved } : {}),
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The only module that talks to DynamoDB. Every change of a view is one TransactWriteItems whose
 * first action updates the head's changed fields on the condition that the fields the change was
 * derived from still hold the values read, so no write is ever a blind read-modify-write; a lost
 * race surfaces as ConcurrentModification.
 */
export class ViewStore {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;

  constructor(client: DynamoDBDocumentClient, tableName: string) {
    this.client = client;
    this.tableName = tableName;
  }

  async #send<T>(run: () => Promise<T>, purposes?: ActionPurpose[]): Promise<T> {
    try {
      return await run();
    } catch (error) {
      return translateStoreError(error, purposes);
    }
  }

  /** Queries until `limit` items are in hand or the range is exhausted (DynamoDB pages at 1 MB). */
  async #query(input: Omit<QueryCommandInput, 'TableName'>, limit?: number): Promise<{ items: Item[]; exhausted: boolean }> {
    const items: Item[] = [];
    let startKey = input.ExclusiveStartKey;
    for (;;) {
      const page = await this.#send(() =>
        this.client.send(
          new QueryCommand({
            ...input,
            TableName: this.tableName,
            ConsistentRead: true,
            ...(limit === undefined ? {} : { Limit: limit - items.length }),
            ...(startKey ? { ExclusiveStartKey: startKey } : {}),
          }),
        ),
      );
      items.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
      if (!startKey) return { items, exhausted: true };
      if (limit !== undefined && items.length >= limit) return { items, exhausted: false };
    }
  }

  async #headItem(instanceId: string, viewId: string): Promise<Item | undefined> {
    const result = await this.#send(() =>
      this.client.send(
        new GetCommand({ TableName: this.tableName, Key: key(viewPartition(instanceId, viewId), HEAD_SK), ConsistentRead: true }),
      ),
    );
    return result.Item;
  }

  async readHead(instanceId: string, viewId: string): Promise<ViewHead | undefined> {
    return headFromItem(await this.#headItem(instanceId, viewId));
  }

  /** One consistent query: the head and the chunks of `$LATEST` or `$SAVED`. */
  async readAlias(instanceId: string, viewId: string, alias: 'LATEST' | 'SAVED'): Promise<AliasRead | undefined> {
    const upper = `${alias === 'LATEST' ? LATEST_PREFIX : SAVED_PREFIX}${PREFIX_END}`;
    const { items } = await this.#query(
      {
        KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :head AND :upper',
        ExpressionAttributeNames: { '#pk': PARTITION_KEY, '#sk': SORT_KEY },
        ExpressionAttributeValues: { ':pk': viewPartition(instanceId, viewId), ':head': HEAD_SK, ':upper': upper },
      },
    );
    const head = items[0]?.[SORT_KEY] === HEAD_SK ? headFromItem(items[0]) : undefined;
    if (!head) return undefined;
    const slots = contentSlots(head);
    const wanted = alias === 'LATEST' ? head.latest : head.saved;
    if (!wanted) return { head, chunks: [] };
    const prefix = slots.saved && alias === 'SAVED' ? SAVED_PREFIX : LATEST_PREFIX;
    const chunks = items
      .filter((item) => String(item[SORT_KEY]).startsWith(prefix))
      .map((item) => item['data'] as Uint8Array);
    if (chunks.length !== wanted.chunks) {
      throw new StoreFault(`view ${viewId}: expected ${wanted.chunks} content chunks under ${prefix}, found ${chunks.length}`);
    }
    return { head, chunks };
  }

  /**
   * One consistent BatchGetItem: head, version record and (with content) its first chunk; content
   * of more than one chunk takes one more query.
   */
  async readVersion(instanceId: string, viewId: string, version: number, withContent = true): Promise<VersionRead> {
    const partition = viewPartition(instanceId, viewId);
    let keys: Key[] = [key(partition, HEAD_SK), key(partition, versionSk(version))];
    if (withContent) keys.push(key(partition, versionChunkSk(version, 0)));
    const found = new Map<string, Item>();
    for (let attempt = 0; keys.length > 0; attempt++) {
      if (attempt > 0) await sleep(Math.min(1000, 25 * 2 ** attempt));
      if (attempt > 8) throw new StoreFault('BatchGetItem left keys unprocessed after 8 retries');
      const result = await this.#send(() =>
        this.client.send(new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys, ConsistentRead: true } } })),
      );
      for (const item of result.Responses?.[this.tableName] ?? []) found.set(String(item[SORT_KEY]), item);
      keys = (result.UnprocessedKeys?.[this.tableName]?.Keys ?? []) as Key[];
    }
    const head = headFromItem(found.get(HEAD_SK));
    const versionItem = found.get(versionSk(version));
    if (!head || !versionItem) return { ...(head ? { head } : {}), chunks: [] };
    const record = versionFromItem(versionItem);
    const first = found.get(versionChunkSk(version, 0));
    if (!withContent) return { head, version: record, chunks: [] };
    let chunks = first ? [first['data'] as Uint8Array] : [];
    if (record.content.chunks > 1) {
      const { items } = await this.#query(
        {
          KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
          ExpressionAttributeNames: { '#pk': PARTITION_KEY, '#sk': SORT_KEY },
          ExpressionAttributeValues: { ':pk': partition, ':prefix': versionChunkPrefix(version) },
        },
      );
      chunks = items.map((item) => item['data'] as Uint8Array);
    }
    if (chunks.length !== record.content.chunks) {
      throw new StoreFault(`view ${viewId} version ${version}: expected ${record.content.chunks} chunks, found ${chunks.length}`);
    }
    return { head, version: record, chunks };
  }

  /**
   * Writes the change from `before` to `after` as one transaction: the head's changed fields (an
   * UpdateItem conditioned on the `guards` fields still holding the values read, so a concurrent
   * writer of those fields makes this one retry and writers of other fields do not), the listing
   * item when name, description or status change, the chunks of content that changed (`blobs`
   * supplies them) and any `extra` actions. `before` undefined creates the view.
   */
  async #commit(
    before: ViewHead | undefined,
    after: ViewHead,
    options: { guards?: HeadField[]; blobs?: Blobs; extra?: Action[]; tombstone?: boolean } = {},
  ): Promise<ViewHead> {
    const partition = viewPartition(after.instanceId, after.viewId);
    const head = before ? this.#headUpdate(partition, before, after, options.guards ?? [], options.tombstone) : this.#headCreate(partition, after);
    const actions: Action[] = head ? [head] : [];
    actions.push(...this.#listingActions(before, options.tombstone ? undefined : after));
    if (!options.tombstone) actions.push(...this.#chunkActions(partition, before, after, options.blobs ?? new Map()));
    actions.push(...(options.extra ?? []));

    await this.#send(
      () =>
        this.client.send(
          new TransactWriteCommand({
            TransactItems: actions.map((a) => a.item),
            // Makes the SDK's own retries of this very call idempotent (a lost response, a timeout).
            ClientRequestToken: randomUUID(),
          }),
        ),
      actions.map((a) => a.purpose),
    );
    return after;
  }

  #headCreate(partition: string, head: ViewHead): Action {
    return {
      purpose: 'head',
      item: {
        Put: {
          TableName: this.tableName,
          Item: { ...key(partition, HEAD_SK), kind: 'view', ...head },
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': PARTITION_KEY },
        },
      },
    };
  }

  /** The head's changed fields, guarded; undefined when nothing changes and nothing needs guarding. */
  #headUpdate(partition: string, before: ViewHead, after: ViewHead, guards: HeadField[], tombstone = false): Action | undefined {
    const names: Record<string, string> = { '#pk': PARTITION_KEY, '#deleting': 'deleting' };
    const values: Record<string, unknown> = {};
    const set: string[] = [];
    const remove: string[] = [];
    const conditions = ['attribute_exists(#pk)', 'attribute_not_exists(#deleting)'];
    HEAD_FIELDS.forEach((field, index) => {
      const name = `#f${index}`;
      const old = before[field];
      const now = after[field];
      if (guards.includes(field)) {
        names[name] = field;
        if (old === undefined) conditions.push(`attribute_not_exists(${name})`);
        else {
          conditions.push(`${name} = :old${index}`);
          values[`:old${index}`] = old;
        }
      }
      if (JSON.stringify(old) === JSON.stringify(now)) return;
      names[name] = field;
      if (now === undefined) remove.push(name);
      else {
        set.push(`${name} = :new${index}`);
        values[`:new${index}`] = now;
      }
    });
    if (tombstone) {
      set.push('#deleting = :true');
      values[':true'] = true;
    }
    if (set.length === 0 && remove.length === 0) {
      const guarded = guards.find((field) => before[field] !== undefined);
      if (!guarded) return undefined;
      // Nothing changes, but the condition must still guard the transaction: rewrite a guarded value.
      const index = HEAD_FIELDS.indexOf(guarded);
      set.push(`#f${index} = :old${index}`);
    }
    const update = [set.length ? `SET ${set.join(', ')}` : '', remove.length ? `REMOVE ${remove.join(', ')}` : ''].filter(Boolean).join(' ');
    return {
      purpose: 'head',
      item: {
        Update: {
          TableName: this.tableName,
          Key: key(partition, HEAD_SK),
          UpdateExpression: update,
          ConditionExpression: conditions.join(' AND '),
          ExpressionAttributeNames: names,
          ...(Object.keys(values).length ? { ExpressionAttributeValues: values } : {}),
        },
      },
    };
  }

  #listingActions(before: ViewHead | undefined, after: ViewHead | undefined): Action[] {
    const previous = before ? listingOf(before) : undefined;
    const next = after ? listingOf(after) : undefined;
    const instance = instancePartition((after ?? before)!.instanceId);
    const listingKey = (listing: ViewListing) => key(instance, listingSk(listing.type, listing.name));
    const put = (listing: ViewListing): Action => ({
      purpose: 'name',
      item: {
        Put: {
          TableName: this.tableName,
          Item: { ...listingKey(listing), kind: 'listing', ...listing },
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': PARTITION_KEY },
        },
      },
    });
    const remove = (listing: ViewListing): Action => ({
      purpose: 'item',
      item: {
        Delete: {
          TableName: this.tableName,
          Key: listingKey(listing),
          ConditionExpression: 'viewId = :viewId',
          ExpressionAttributeValues: { ':viewId': listing.viewId },
        },
      },
    });
    // Only the fields that changed, so that concurrent writers of different fields never clobber each other.
    const update = (from: ViewListing, to: ViewListing): Action => {
      const set: string[] = [];
      const values: Record<string, unknown> = { ':viewId': to.viewId };
      const names: Record<string, string> = {};
      for (const field of LISTING_UPDATABLE) {
        if (JSON.stringify(from[field]) !== JSON.stringify(to[field]) && to[field] !== undefined) {
          set.push(`#${field} = :${field}`);
          names[`#${field}`] = field;
          values[`:${field}`] = to[field];
        }
      }
      return {
        purpose: 'item',
        item: {
          Update: {
            TableName: this.tableName,
            Key: listingKey(to),
            UpdateExpression: `SET ${set.join(', ')}`,
            ConditionExpression: 'viewId = :viewId',
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
          },
        },
      };
    };
    if (!previous) return next ? [put(next)] : [];
    if (!next) return [remove(previous)];
    if (previous.name !== next.name || previous.type !== next.type) return [remove(previous), put(next)];
    return sameListing(previous, next) ? [] : [update(previous, next)];
  }

  #chunkActions(partition: string, before: ViewHead | undefined, after: ViewHead, blobs: Blobs): Action[] {
    const actions: Action[] = [];
    const old = contentSlots(before);
    const next = contentSlots(after);
    const slots = [
      { sk: latestChunkSk, old: old.latest, next: next.latest },
      { sk: savedChunkSk, old: old.saved, next: next.saved },
    ];
    for (const slot of slots) {
      if (slot.old?.id === slot.next?.id) continue;
      const written = slot.next?.chunks ?? 0;
      if (slot.next) {
        const chunks = blobs.get(slot.next.id);
        if (!chunks || chunks.length !== slot.next.chunks) throw new Error(`content ${slot.next.id} was not supplied to the write`);
        chunks.forEach((data, index) =>
          actions.push({ purpose: 'item', item: { Put: { TableName: this.tableName, Item: { ...key(partition, slot.sk(index)), data } } } }),
        );
      }
      for (let index = written; index < (slot.old?.chunks ?? 0); index++) {
        actions.push({ purpose: 'item', item: { Delete: { TableName: this.tableName, Key: key(partition, slot.sk(index)) } } });
      }
    }
    return actions;
  }

  /**
   * The outbox item that makes an event of this transaction: the change stream publishes it, so it
   * exists exactly when the change committed. It expires after two days (the stream keeps 24 hours).
   */
  #outbox(partition: string, event: ViewEvent): Action {
    return {
      purpose: 'item',
      item: {
        Put: {
          TableName: this.tableName,
          Item: {
            ...key(partition, eventSk(event.detail.time, event.detail.eventId)),
            kind: 'event',
            detailType: event.detailType,
            detail: event.detail,
            [TTL_ATTRIBUTE]: Math.floor(Date.parse(event.detail.time) / 1000) + EVENT_TTL_SECONDS,
          },
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': PARTITION_KEY },
        },
      },
    };
  }

  /** CreateView: head, name claim, content and (optionally) the ClientToken record, all or nothing. */
  async createView(head: ViewHead, blobs: Blobs, token?: ClientTokenRecord): Promise<ViewHead> {
    const extra = token
      ? [
          {
            purpose: 'token' as const,
            item: {
              Put: {
                TableName: this.tableName,
                Item: {
                  ...key(instancePartition(head.instanceId), tokenSk(token.tokenHash)),
                  kind: 'client-token',
                  viewId: token.viewId,
                  fingerprint: token.fingerprint,
                  [TTL_ATTRIBUTE]: token.expiresAt,
                },
                // An expired record may linger until TTL removes it (days on AWS): it counts as absent.
                ConditionExpression: 'attribute_not_exists(#pk) OR #ttl < :now',
                ExpressionAttributeNames: { '#pk': PARTITION_KEY, '#ttl': TTL_ATTRIBUTE },
                ExpressionAttributeValues: { ':now': Math.floor(Date.now() / 1000) },
              },
            },
          },
        ]
      : [];
    return this.#commit(undefined, head, { blobs, extra });
  }

  async readClientToken(instanceId: string, tokenHash: string): Promise<ClientTokenRecord | undefined> {
    const result = await this.#send(() =>
      this.client.send(
        new GetCommand({ TableName: this.tableName, Key: key(instancePartition(instanceId), tokenSk(tokenHash)), ConsistentRead: true }),
      ),
    );
    const item = result.Item;
    if (!item || Number(item[TTL_ATTRIBUTE]) < Date.now() / 1000) return undefined;
    return { tokenHash, viewId: String(item['viewId']), fingerprint: String(item['fingerprint']), expiresAt: Number(item[TTL_ATTRIBUTE]) };
  }

  /**
   * UpdateViewContent: new `$SAVED` (and `$LATEST`) content, provided both aliases still point where
   * they did when read, because the chunks replaced and removed are chosen from them.
   */
  async saveContent(before: ViewHead, after: ViewHead, blobs: Blobs): Promise<ViewHead> {
    return this.#commit(before, after, { guards: ['saved', 'latest', 'name'], blobs });
  }

  /**
   * UpdateViewMetadata: the listing item is keyed by the name, and a rename copies the other listed
   * fields into the new one, so those must still be what was read.
   */
  async saveMetadata(before: ViewHead, after: ViewHead): Promise<ViewHead> {
    const renamed = before.name !== after.name;
    return this.#commit(before, after, { guards: renamed ? ['name', 'description', 'status', 'tags', 'lastModifiedTime'] : ['name'] });
  }

  /** TagResource / UntagResource: the new tags are derived from the ones read (and the listing keyed by the name). */
  async saveTags(before: ViewHead, after: ViewHead): Promise<ViewHead> {
    return this.#commit(before, after, { guards: ['tags', 'name'] });
  }

  /**
   * CreateViewVersion's single write: the head, on the condition that its version counter and
   * `$LATEST` sha are still those read, plus the immutable version record and content, each put
   * only if absent.
   */
  async publishVersion(before: ViewHead, after: ViewHead, record: VersionRecord, chunks: Uint8Array[], event: ViewEvent): Promise<ViewHead> {
    const partition = viewPartition(before.instanceId, before.viewId);
    const putIfAbsent = (item: Item) => ({
      purpose: 'item' as const,
      item: {
        Put: { TableName: this.tableName, Item: item, ConditionExpression: 'attribute_not_exists(#pk)', ExpressionAttributeNames: { '#pk': PARTITION_KEY } },
      },
    });
    return this.#commit(before, after, {
      // The version snapshots $LATEST and the metadata as read; the counter must not have moved.
      guards: ['versionCounter', 'latest', 'name', 'description'],
      extra: [
        putIfAbsent({ ...key(partition, versionSk(record.version)), kind: 'version', ...record }),
        ...chunks.map((data, index) => putIfAbsent({ ...key(partition, versionChunkSk(record.version, index)), data })),
        this.#outbox(partition, event),
      ],
    });
  }

  async deleteVersion(before: ViewHead, after: ViewHead, record: VersionRecord, event: ViewEvent): Promise<ViewHead> {
    const partition = viewPartition(before.instanceId, before.viewId);
    const remove = (sk: string, mustExist: boolean) => ({
      purpose: 'item' as const,
      item: {
        Delete: {
          TableName: this.tableName,
          Key: key(partition, sk),
          ...(mustExist ? { ConditionExpression: 'attribute_exists(#pk)', ExpressionAttributeNames: { '#pk': PARTITION_KEY } } : {}),
        },
      },
    });
    const extra: Action[] = [remove(versionSk(record.version), true), this.#outbox(partition, event)];
    for (let index = 0; index < record.content.chunks; index++) extra.push(remove(versionChunkSk(record.version, index), false));
    // Clearing `highest` is only right while this version still is the highest.
    return this.#commit(before, after, { guards: before.highest?.version === record.version ? ['highest'] : [], extra });
  }

  /** First page (`after` undefined) includes the head, which proves the view exists. */
  async listVersions(
    instanceId: string,
    viewId: string,
    limit: number,
    after?: string,
  ): Promise<{ head?: ViewHead; page: Page<VersionRecord> }> {
    const partition = viewPartition(instanceId, viewId);
    const first = after === undefined;
    const { items } = await this.#query(
      {
        KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :low AND :high',
        ExpressionAttributeNames: { '#pk': PARTITION_KEY, '#sk': SORT_KEY },
        ExpressionAttributeValues: { ':pk': partition, ':low': VERSION_PREFIX, ':high': HEAD_SK },
        ScanIndexForward: false,
        ...(first ? {} : { ExclusiveStartKey: key(partition, after) }),
      },
      // One more than asked tells whether another page follows without an empty last page.
      limit + 1 + (first ? 1 : 0),
    );
    let head: ViewHead | undefined;
    if (first) {
      if (items[0]?.[SORT_KEY] !== HEAD_SK) return { page: { items: [] } };
      head = headFromItem(items.shift());
      if (!head) return { page: { items: [] } };
    }
    const versions = items.filter((item) => String(item[SORT_KEY]).startsWith(VERSION_PREFIX)).map(versionFromItem);
    const more = versions.length > limit;
    const pageItems = versions.slice(0, limit);
    return {
      ...(head ? { head } : {}),
      page: { items: pageItems, ...(more ? { after: versionSk(pageItems.at(-1)!.version) } : {}) },
    };
  }

  async listViews(instanceId: string, type: ViewType | undefined, limit: number, after?: string): Promise<Page<ViewListing>> {
    const partition = instancePartition(instanceId);
    const { items } = await this.#query(
      {
        KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
        ExpressionAttributeNames: { '#pk': PARTITION_KEY, '#sk': SORT_KEY },
        ExpressionAttributeValues: { ':pk': partition, ':prefix': listingTypePrefix(type) },
        ...(after === undefined ? {} : { ExclusiveStartKey: key(partition, after) }),
      },
      limit + 1,
    );
    const listings = items.map(listingFromItem);
    const more = listings.length > limit;
    const pageItems = listings.slice(0, limit);
    return { items: pageItems, ...(more ? { after: listingSk(pageItems.at(-1)!.type, pageItems.at(-1)!.name) } : {}) };
  }

  /**
   * SearchViews' reads: listing items in listing order from just after `after`, page by page, until
   * `accept` says stop or `maxRequests` queries were made. The first query reads at most
   * `firstLimit` items (enough when most views match), the others a full 1 MB page each. Returns
   * where a next call resumes.
   */
  async scanListings(
    instanceId: string,
    type: ViewType | undefined,
    after: string | undefined,
    limits: { maxRequests: number; firstLimit: number },
    accept: (listing: ViewListing) => 'continue' | 'stop',
  ): Promise<{ resumeAfter?: string; requests: number }> {
    const { maxRequests, firstLimit } = limits;
    const partition = instancePartition(instanceId);
    let startKey: Record<string, unknown> | undefined = after === undefined ? undefined : key(partition, after);
    for (let requests = 1; ; requests++) {
      const page = await this.#send(() =>
        this.client.send(
          new QueryCommand({
            TableName: this.tableName,
            KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
            ExpressionAttributeNames: { '#pk': PARTITION_KEY, '#sk': SORT_KEY },
            ExpressionAttributeValues: { ':pk': partition, ':prefix': listingTypePrefix(type) },
            ConsistentRead: true,
            ...(requests === 1 ? { Limit: firstLimit } : {}),
            ...(startKey ? { ExclusiveStartKey: startKey } : {}),
          }),
        ),
      );
      const items = page.Items ?? [];
      for (const [index, item] of items.entries()) {
        if (accept(listingFromItem(item)) === 'stop') {
          const last = index === items.length - 1 && !page.LastEvaluatedKey;
          return last ? { requests } : { resumeAfter: String(item[SORT_KEY]), requests };
        }
      }
      startKey = page.LastEvaluatedKey;
      if (!startKey) return { requests };
      if (requests >= maxRequests) return { resumeAfter: String(startKey[SORT_KEY]), requests };
    }
  }

  /**
   * DeleteView, step one: the view disappears atomically (head becomes a tombstone, listing and
   * name claim go), so nothing can read or change it while its other items are purged.
   */
  async beginDelete(before: ViewHead, event: ViewEvent): Promise<void> {
    const partition = viewPartition(before.instanceId, before.viewId);
    await this.#commit(before, before, { tombstone: true, guards: ['name'], extra: [this.#outbox(partition, event)] });
  }

  /** Whether a DeleteView was started and not finished (a tombstone head remains). */
  async isDeleting(instanceId: string, viewId: string): Promise<boolean> {
    return (await this.#headItem(instanceId, viewId))?.['deleting'] === true;
  }

  /**
   * DeleteView, step two: deletes every other item of the view's partition, then the tombstone.
   * Resumable: stops at `deadline` (epoch ms) and returns false; calling it again continues.
   */
  async purgeView(instanceId: string, viewId: string, deadline: number): Promise<boolean> {
    const partition = viewPartition(instanceId, viewId);
    for (;;) {
      if (Date.now() > deadline) return false;
      const { items } = await this.#query(
        {
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': PARTITION_KEY, '#sk': SORT_KEY },
          ExpressionAttributeValues: { ':pk': partition },
          ProjectionExpression: '#pk, #sk',
        },
        1000,
      );
      const keys = items.filter((item) => item[SORT_KEY] !== HEAD_SK).map((item) => key(partition, String(item[SORT_KEY])));
      if (keys.length === 0) break;
      const batches: Key[][] = [];
      for (let i = 0; i < keys.length; i += 25) batches.push(keys.slice(i, i + 25));
      // A few batches in flight at once: deleting 10,000 versions must fit in one API call's time.
      for (let i = 0; i < batches.length; i += 8) {
        await Promise.all(batches.slice(i, i + 8).map((batch) => this.#deleteBatch(batch)));
      }
    }
    try {
      await this.client.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: key(partition, HEAD_SK),
          ConditionExpression: '#deleting = :true',
          ExpressionAttributeNames: { '#deleting': 'deleting' },
          ExpressionAttributeValues: { ':true': true },
        }),
      );
    } catch (error) {
      // Already gone: a concurrent DeleteView finished first.
      if ((error as { name?: string }).name !== 'ConditionalCheckFailedException') translateStoreError(error);
    }
    return true;
  }

  async #deleteBatch(keys: Key[]): Promise<void> {
    let pending = keys.map((k) => ({ DeleteRequest: { Key: k } }));
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 0) await sleep(Math.min(1000, 25 * 2 ** attempt));
      if (attempt > 8) throw new StoreFault('BatchWriteItem left items unprocessed after 8 retries');
      const result = await this.#send(() => this.client.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: pending } })));
      pending = (result.UnprocessedItems?.[this.tableName] ?? []) as typeof pending;
    }
  }
}

