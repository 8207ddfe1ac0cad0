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

/** A head item that is a DeleteView tombstone is no view at all. */
export function headFromItem(item: Item | undefined): ViewHead | undefined {
  if (!item || item['deleting']) return undefined;
  const head: Record<string, unknown> = {};
  for (const field of HEAD_FIELDS) if (item[field] !== undefined) head[field] = item[field];
  head['tags'] = tagsOf(item['tags']);
  return head as unknown as ViewHead;
}

export function versionFromItem(item: Item): VersionRecord {
  const { [PARTITION_KEY]: _pk, [SORT_KEY]: _sk, kind: _kind, ...record } = item;
  return record as unknown as VersionRecord;
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

/** A head or listing field as the item stores it. */
export function storedValue(field: string, value: unknown): unknown {
  return field === 'tags' && value !== undefined ? storedTags(value as Record<string, string>) : value;
}

/** The head as an item's attributes. */
export function headAttributes(head: ViewHead): Item {
  const attributes: Item = {};
  for (const field of HEAD_FIELDS) if (head[field] !== undefined) attributes[field] = storedValue(field, head[field]);
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
export function sameStored(field: string, a: unknown, b: unknown): boolean {
  return JSON.stringify(storedValue(field, a)) === JSON.stringify(storedValue(field, b));
}
