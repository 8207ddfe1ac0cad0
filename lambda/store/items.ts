import type { ViewStatus } from '#domain/content.ts';
import type { ContentRef, ListedView, VersionRecord, ViewHead, ViewType } from '#domain/view.ts';
import { PARTITION_KEY, SORT_KEY, type ContentSlot } from './keys.ts';

/** Items as the document client reads and writes them. */
export type Item = Record<string, unknown>;

export const HEAD_FIELDS = [
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
  'versions',
  'tags',
  'createdTime',
  'lastModifiedTime',
] as const;

/** A field of the head, as conditions name them. */
export type HeadField = (typeof HEAD_FIELDS)[number];

/**
 * Counts that writers change by a delta (DynamoDB's ADD, applied in commit order) rather than set
 * to a value computed from their read: writers of other fields change them without a guard.
 */
export const COUNTER_FIELDS: readonly HeadField[] = ['versions'];

/** The listing fields a change can touch without moving the item (the name and type are its key). */
export const LISTING_UPDATABLE = ['description', 'status', 'tags', 'lastModifiedTime'] as const;

/** Chunks of new content, by content id: what a write stores. */
export type Blobs = ReadonlyMap<string, Uint8Array[]>;

/** A content reference as the head and version items store it: with the number of its chunks. */
export interface StoredRef {
  id: string;
  sha256: string;
  chunks: number;
}

/**
 * How many chunks each piece of content read from the table has. The domain's ContentRef does not
 * carry it (storage is the store's business), so the store remembers it beside each reference it
 * made from an item; operations pass those very references on to writes.
 */
const storedChunks = new WeakMap<ContentRef, number>();

/** A reference as read from an item (tests make them to stand for what the table holds). */
export function refFromStored(stored: StoredRef): ContentRef {
  const ref = { id: stored.id, sha256: stored.sha256 };
  storedChunks.set(ref, stored.chunks);
  return ref;
}

/** The chunks of a piece of content: new content's from the write's blobs, stored content's as read. */
export function chunksOf(ref: ContentRef, blobs?: Blobs): number {
  const chunks = blobs?.get(ref.id)?.length ?? storedChunks.get(ref);
  if (chunks === undefined) throw new Error(`content ${ref.id} was neither read from the table nor supplied to the write`);
  return chunks;
}

function storedRef(ref: ContentRef, blobs?: Blobs): StoredRef {
  return { id: ref.id, sha256: ref.sha256, chunks: chunksOf(ref, blobs) };
}

function versionFromStored(stored: Record<string, unknown>): VersionRecord {
  return { ...stored, content: refFromStored(stored['content'] as StoredRef) } as VersionRecord;
}

/** A head item that is a DeleteView tombstone is no view at all. */
export function headFromItem(item: Item | undefined): ViewHead | undefined {
  if (!item || item['deleting']) return undefined;
  const head: Record<string, unknown> = {};
  for (const field of HEAD_FIELDS) if (item[field] !== undefined) head[field] = item[field];
  head['tags'] = tagsOf(item['tags']);
  head['saved'] = refFromStored(item['saved'] as StoredRef);
  if (item['latest'] !== undefined) head['latest'] = refFromStored(item['latest'] as StoredRef);
  if (item['highest'] !== undefined) head['highest'] = versionFromStored(item['highest'] as Record<string, unknown>);
  return head as unknown as ViewHead;
}

export function versionFromItem(item: Item): VersionRecord {
  const { [PARTITION_KEY]: _pk, [SORT_KEY]: _sk, kind: _kind, ...record } = item;
  return versionFromStored(record);
}

/** A version record as its item (and the head's `highest`) stores it. */
export function storedVersion(record: VersionRecord, blobs?: Blobs): Record<string, unknown> {
  return { ...record, content: storedRef(record.content, blobs) };
}

/**
 * Tags are caller-chosen keys, `__proto__` and `constructor` among them, and the DynamoDB
 * marshaller reads a map's keys as object properties (a key `__proto__` would set a prototype,
 * `constructor` would hide the object's type). So tags are stored as `[key, value]` pairs sorted by
 * key, and held in memory in null-prototype objects, where no key is an inherited property.
 */
export type StoredTags = [string, string][];

export function storedTags(tags: Record<string, string>): StoredTags {
  return Object.entries(tags).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

export function tagsOf(value: unknown): Record<string, string> {
  const tags = Object.create(null) as Record<string, string>;
  if (Array.isArray(value)) {
    for (const pair of value) if (Array.isArray(pair) && pair.length === 2) tags[String(pair[0])] = String(pair[1]);
  }
  return tags;
}

/** A head or listing field as the item stores it (`blobs`: the chunks of content a write brings). */
export function storedValue(field: string, value: unknown, blobs?: Blobs): unknown {
  if (value === undefined) return value;
  switch (field) {
    case 'tags':
      return storedTags(value as Record<string, string>);
    case 'saved':
    case 'latest':
      return storedRef(value as ContentRef, blobs);
    case 'highest':
      return storedVersion(value as VersionRecord, blobs);
    default:
      return value;
  }
}

/** The head as an item's attributes. */
export function headAttributes(head: ViewHead, blobs?: Blobs): Item {
  const attributes: Item = {};
  for (const field of HEAD_FIELDS) if (head[field] !== undefined) attributes[field] = storedValue(field, head[field], blobs);
  return attributes;
}

export function listingAttributes(listing: ListedView): Item {
  return { ...listing, tags: storedTags(listing.tags) };
}

export function listingOf(head: ViewHead): ListedView {
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

export function listingFromItem(item: Item): ListedView {
  return {
    viewId: String(item['viewId']),
    name: String(item['name']),
    ...(item['description'] === undefined ? {} : { description: String(item['description']) }),
    type: item['type'] as ViewType,
    status: item['status'] as ViewStatus,
    tags: tagsOf(item['tags']),
    createdTime: Number(item['createdTime'] ?? 0),
    lastModifiedTime: Number(item['lastModifiedTime'] ?? 0),
  };
}

/** Where each piece of content a head refers to lives: `$SAVED` has a slot only while it differs from `$LATEST`. */
export function contentSlots(head: ViewHead | undefined): Partial<Record<ContentSlot, ContentRef>> {
  if (!head) return {};
  return {
    ...(head.latest ? { LATEST: head.latest } : {}),
    ...(head.saved.id !== head.latest?.id ? { SAVED: head.saved } : {}),
  };
}

/** The slot that holds an alias's content. */
export function slotOf(head: ViewHead, alias: ContentSlot): ContentSlot {
  return alias === 'SAVED' && head.saved.id !== head.latest?.id ? 'SAVED' : 'LATEST';
}

/** Whether a change leaves a head or listing field as it is stored. */
export function sameStored(field: string, a: unknown, b: unknown, blobs?: Blobs): boolean {
  return JSON.stringify(storedValue(field, a, blobs)) === JSON.stringify(storedValue(field, b, blobs));
}
