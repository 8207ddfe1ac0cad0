import type { ViewType } from '#domain/view.ts';

/**
 * One table, three kinds of partition:
 * - `VIEW#<instance>#<view>` holds everything of one view, sorted so that single queries serve the
 *   hot reads: `B#<version>#<chunk>` version content < `V#<version>` version records < `VIEW` head <
 *   `VIEW#L#<content id>#<chunk>` ($LATEST content) < `VIEW#S#<content id>#<chunk>` ($SAVED content,
 *   only while it differs from $LATEST). The head plus one alias's content is one range; the head
 *   plus the versions, highest first, is another. Content chunks are named by the id of the content
 *   they belong to and never rewritten, so a read that catches a write half-way (Query is only
 *   read-committed against transactions) sees chunks that do not match the head, never wrong ones.
 * - `INSTANCE#<instance>` holds the view listing `N#<type code>#<name>` (which is also the name's
 *   uniqueness claim), ClientToken records `T#<sha256(token)>` and the view count, in shards
 *   `COUNT#<shard>`.
 * - `OUTBOX#<instance>#<view>` holds what the change stream acts on after a commit: events
 *   `E#<time>#<id>` and purge requests `P#<time>#<id>`. Apart from the view's partition, so that
 *   purging a deleted view never removes them before they are delivered; they expire by TTL.
 */
export const PARTITION_KEY = 'PK';
export const SORT_KEY = 'SK';
/** Epoch seconds; ClientToken records and outbox items expire. */
export const TTL_ATTRIBUTE = 'expiresAt';

export const HEAD_SK = 'VIEW';
export const LATEST_CHUNK_PREFIX = 'VIEW#L#';
export const SAVED_CHUNK_PREFIX = 'VIEW#S#';
export const VERSION_PREFIX = 'V#';
export const VERSION_CHUNK_PREFIX = 'B#';
export const LISTING_PREFIX = 'N#';
export const TOKEN_PREFIX = 'T#';
export const EVENT_PREFIX = 'E#';
export const PURGE_PREFIX = 'P#';
/**
 * The view count is kept in 16 shards (by the first hex digit of the view id), so that views
 * created at once in one instance rarely write the same count item in their transactions
 * (DynamoDB cancels concurrent transactions on one item with TransactionConflict).
 */
export const VIEW_COUNT_SHARDS = 16;
export const viewCountSk = (shard: number) => `COUNT#${shard.toString(16)}`;
export const viewCountShard = (viewId: string) => (Number.parseInt(viewId.charAt(0), 16) || 0) % VIEW_COUNT_SHARDS;
/** Sorts after every character a key segment uses (ids, digits, `#`). */
export const PREFIX_END = '~';

export type Key = { [PARTITION_KEY]: string; [SORT_KEY]: string };

/** Where an alias's content lives: `$SAVED` has chunks of its own only while it differs from `$LATEST`. */
export type ContentSlot = 'LATEST' | 'SAVED';

const pad = (value: number, width: number) => String(value).padStart(width, '0');

export const viewPartition = (instanceId: string, viewId: string) => `VIEW#${instanceId}#${viewId}`;
export const instancePartition = (instanceId: string) => `INSTANCE#${instanceId}`;
export const outboxPartition = (instanceId: string, viewId: string) => `OUTBOX#${instanceId}#${viewId}`;

export const slotPrefix = (slot: ContentSlot) => (slot === 'LATEST' ? LATEST_CHUNK_PREFIX : SAVED_CHUNK_PREFIX);
export const contentChunkPrefix = (slot: ContentSlot, contentId: string) => `${slotPrefix(slot)}${contentId}#`;
export const contentChunkSk = (slot: ContentSlot, contentId: string, index: number) =>
  `${contentChunkPrefix(slot, contentId)}${pad(index, 2)}`;
export const versionSk = (version: number) => `${VERSION_PREFIX}${pad(version, 10)}`;
export const versionChunkPrefix = (version: number) => `${VERSION_CHUNK_PREFIX}${pad(version, 10)}#`;
export const versionChunkSk = (version: number, index: number) => `${versionChunkPrefix(version)}${pad(index, 2)}`;

/** ListViews sorts by type, then name: the type code keeps AWS_MANAGED before CUSTOMER_MANAGED. */
const TYPE_CODE: Record<ViewType, string> = { AWS_MANAGED: 'A', CUSTOMER_MANAGED: 'C' };
export const listingTypePrefix = (type?: ViewType) => (type ? `${LISTING_PREFIX}${TYPE_CODE[type]}#` : LISTING_PREFIX);
export const listingSk = (type: ViewType, name: string) => `${listingTypePrefix(type)}${name}`;
export const tokenSk = (tokenHash: string) => `${TOKEN_PREFIX}${tokenHash}`;
export const eventSk = (time: string, eventId: string) => `${EVENT_PREFIX}${time}#${eventId}`;
export const purgeSk = (time: string, requestId: string) => `${PURGE_PREFIX}${time}#${requestId}`;

export function key(partition: string, sort: string): Key {
  return { [PARTITION_KEY]: partition, [SORT_KEY]: sort };
}
