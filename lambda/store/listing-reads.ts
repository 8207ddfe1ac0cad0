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
export interface Page<T> {
  items: T[];
  /** Sort key of the last item returned, when more items follow. */
  after?: string;
}

/** A view of the listing and where it stands in it (what a NextToken resumes after). */
export interface ListingEntry {
  listing: ListedView;
  sortKey: string;
}

function listingQuery(instanceId: string, type: ViewType | undefined) {
  return {
    KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
    ExpressionAttributeNames: { '#pk': PARTITION_KEY, '#sk': SORT_KEY },
    ExpressionAttributeValues: { ':pk': instancePartition(instanceId), ':prefix': listingTypePrefix(type) },
  };
}

function firstSighting(seen: Set<string>, item: Item): boolean {
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
    items: page.filter((item) => firstSighting(seen, item)).map(listingFromItem),
    ...(items.length > limit ? { after: String(page.at(-1)![SORT_KEY]) } : {}),
  };
}

/** One query page of a listing walk. */
export interface ListingPage {
  /** In listing order, each view once across the whole walk. */
  entries: ListingEntry[];
  /** Sort key of the last item the query read, when the listing goes on. */
  next?: string;
}

/** How the next page is read: at most `limit` items (else a 1 MB page); consistently, or eventually (half the read units). */
export interface PageReading {
  limit?: number;
  consistent: boolean;
}

/**
 * A walk through a listing from just after `after`, one query page per `next` call: the caller
 * decides after each page whether to read on and how. Undefined once the listing has ended.
 */
export class ListingWalk {
  readonly #io: DynamoIo;
  readonly #instanceId: string;
  readonly #type: ViewType | undefined;
  readonly #seen = new Set<string>();
  #startKey: Record<string, unknown> | undefined;
  #ended = false;

  constructor(io: DynamoIo, instanceId: string, type: ViewType | undefined, after: string | undefined) {
    this.#io = io;
    this.#instanceId = instanceId;
    this.#type = type;
    this.#startKey = after === undefined ? undefined : key(instancePartition(instanceId), after);
  }

  async next(reading: PageReading): Promise<ListingPage | undefined> {
    if (this.#ended) return undefined;
    const page = await this.#io.queryPage(
      { ...listingQuery(this.#instanceId, this.#type), ...(this.#startKey ? { ExclusiveStartKey: this.#startKey } : {}) },
      reading.limit,
      reading.consistent,
    );
    this.#startKey = page.next;
    this.#ended = page.next === undefined;
    return {
      entries: page.items
        .filter((item) => firstSighting(this.#seen, item))
        .map((item) => ({ listing: listingFromItem(item), sortKey: String(item[SORT_KEY]) })),
      ...(page.next ? { next: String(page.next[SORT_KEY]) } : {}),
    };
  }
}
