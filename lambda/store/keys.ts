import type { ViewType } from '#domain/view.ts';

/**
 * One table, two kinds of partition:
 * - `VIEW#<instance>#<view>` holds everything of one view, sorted so that single queries serve the
 *   hot reads: `B#<version>#<chunk>` version content < `E#<time>#<id>` outbox events < `V#<version>`
 *   version records < `VIEW` head < `VIEW#LATEST#<chunk>` < `VIEW#SAVED#<chunk>`. The head plus one
 *   alias's content is one range; the head plus the versions, highest first, is another.
 * - `INSTANCE#<instance>` holds the view listing `N#<type code>#<name>` (which is also the name's
 *   uniqueness claim) and ClientToken records `T#<sha256(token)>`.
 */
export const PARTITION_KEY = 'PK';
export const SORT_KEY = 'SK';
/** Epoch seconds; ClientToken records and outbox events expire. */
export const TTL_ATTRIBUTE = 'expiresAt';

export const HEAD_SK = 'VIEW';
export const LATEST_PREFIX = 'VIEW#LATEST#';
export const SAVED_PREFIX = 'VIEW#SAVED#';
export const VERSION_PREFIX = 'V#';
export const VERSION_CHUNK_PREFIX = 'B#';
export const LISTING_PREFIX = 'N#';
export const TOKEN_PREFIX = 'T#';
export const EVENT_PREFIX = 'E#';
/** Sorts after every chunk suffix (two digits) under a prefix. */
export const PREFIX_END = '~';

export type Key = { [PARTITION_KEY]: string; [SORT_KEY]: string };

const pad = (value: number, width: number) => String(value).padStart(width, '0');

export const viewPartition = (instanceId: string, viewId: string) => `VIEW#${instanceId}#${viewId}`;
export const instancePartition = (instanceId: string) => `INSTANCE#${instanceId}`;

export const latestChunkSk = (index: number) => `${LATEST_PREFIX}${pad(index, 2)}`;
export const savedChunkSk = (index: number) => `${SAVED_PREFIX}${pad(index, 2)}`;
export const versionSk = (version: number) => `${VERSION_PREFIX}${pad(version, 10)}`;
export const versionChunkPrefix = (version: number) => `${VERSION_CHUNK_PREFIX}${pad(version, 10)}#`;
export const versionChunkSk = (version: number, index: number) => `${versionChunkPrefix(version)}${pad(index, 2)}`;

/** ListViews sorts by type, then name: the type code keeps AWS_MANAGED before CUSTOMER_MANAGED. */
const TYPE_CODE: Record<ViewType, string> = { AWS_MANAGED: 'A', CUSTOMER_MANAGED: 'C' };
export const listingTypePrefix = (type?: ViewType) => (type ? `${LISTING_PREFIX}${TYPE_CODE[type]}#` : LISTING_PREFIX);
export const listingSk = (type: ViewType, name: string) => `${listingTypePrefix(type)}${name}`;
export const tokenSk = (tokenHash: string) => `${TOKEN_PREFIX}${tokenHash}`;
export const eventSk = (time: string, eventId: string) => `${EVENT_PREFIX}${time}#${eventId}`;

export function key(partition: string, sort: string): Key {
  return { [PARTITION_KEY]: partition, [SORT_KEY]: sort };
}
