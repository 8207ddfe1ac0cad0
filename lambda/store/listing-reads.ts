import type { ListedView, ViewType } from '#domain/view.ts';
import type { DynamoIo } from './dynamo-io.ts';
import { listingFromItem, type Item } from './items.ts';
import { PARTITION_KEY, SORT_KEY, instancePartition, key, listingTypePrefix } from './keys.ts';

/**
 * Reads of an instance's listing (ListViews, SearchViews). Each listing item is one view as of its
 * last committed change. A rename moves the item (a delete and a put in one transaction), and a
 * Query, read-committed against transactions, may catch both or neither: so a view seen twice in
 * one read is returned once (as first seen, a state it was in), and a view renamed while the
 * listing is read may be missing from that page, as it may be across pages of any listing.
 */
/**
 * What a scan does after a query page: read on (consistently: its items may be returned), read on
 * only to count (eventually consistent, half the read units: a count is approximate anyway), or stop.
 */
export type ScanNext = 'read' | 'count' | 'stop';

export interface Page<T> {
  items: T[];
  /** Sort key of the last item returned, when more items follow. */
  after?: string;
}

function listingQuery(instanceId: string, type: ViewType | undefined) {
  return {
    KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
    ExpressionAttributeNames: { '#pk': PARTITION_KEY, '#sk': SORT_KEY },
    ExpressionAttributeValues: { ':pk': instancePartition(instanceId), ':prefix': listingTypePrefix(type) },
  };
}

function once(seen: Set<string>, item: Item): boolean {
  const viewId = String(item['viewId']);
  if (seen.has(viewId)) return false;
  seen.add(viewId);
  return true;
}

export async function listViews(
  io: DynamoIo,
  instanceId: string,
  type: ViewType | undefined,
  limit: number,
  after?: string,
): Promise<Page<ListedView>> {
  const partition = instancePartition(instanceId);
  const { items } = await io.query(
    { ...listingQuery(instanceId, type), ...(after === undefined ? {} : { ExclusiveStartKey: key(partition, after) }) },
    limit + 1,
  );
  const page = items.slice(0, limit);
  const seen = new Set<string>();
  return {
    items: page.filter((item) => once(seen, item)).map(listingFromItem),
    ...(items.length > limit ? { after: String(page.at(-1)![SORT_KEY]) } : {}),
  };
}

export interface ScanResult {
  requests: number;
  /** The listing was read to its end. */
  exhausted: boolean;
  /** Sort key of the last item read, when the listing goes on. */
  last?: string;
}

/**
 * SearchViews' reads: listing items in listing order from just after `after`, a query page at a
 * time, each item handed to `visit`. It stops at the end of the listing, after `maxRequests`
 * queries, at the end of a query page when `more` says so, or at once when `visit` says `stop`
 * (then `last` is that item). The first query reads at most `firstLimit` items (enough when most
 * views match), the others a full 1 MB page each.
 */
export async function scanListings(
  io: DynamoIo,
  instanceId: string,
  type: ViewType | undefined,
  after: string | undefined,
  limits: { maxRequests: number; firstLimit?: number },
  visit: (listing: ListedView, sortKey: string) => 'stop' | undefined,
  more: () => ScanNext,
): Promise<ScanResult> {
  const partition = instancePartition(instanceId);
  const seen = new Set<string>();
  let startKey: Record<string, unknown> | undefined = after === undefined ? undefined : key(partition, after);
  let next: ScanNext = 'read';
  for (let requests = 1; ; requests++) {
    const page = await io.queryPage(
      { ...listingQuery(instanceId, type), ...(startKey ? { ExclusiveStartKey: startKey } : {}) },
      requests === 1 ? limits.firstLimit : undefined,
      next === 'read',
    );
    for (const [index, item] of page.items.entries()) {
      if (!once(seen, item)) continue;
      const sortKey = String(item[SORT_KEY]);
      if (visit(listingFromItem(item), sortKey) === 'stop') {
        const end = index === page.items.length - 1 && !page.next;
        return end ? { requests, exhausted: true } : { requests, exhausted: false, last: sortKey };
      }
    }
    startKey = page.next;
    if (!startKey) return { requests, exhausted: true };
    next = requests >= limits.maxRequests ? 'stop' : more();
    if (next === 'stop') return { requests, exhausted: false, last: String(startKey[SORT_KEY]) };
  }
}
