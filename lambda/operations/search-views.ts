import canonicalize from 'canonicalize';
import { sha256Hex } from '#domain/content.ts';
import { MAX_PAGE_RESPONSE_BYTES, responseBytes } from '#domain/response-size.ts';
import {
  SEARCH_WORK_BUDGET,
  checkSearchBounds,
  compileCriteria,
  compileFilter,
  requiredType,
  subjectOf,
  type ViewSearchCriteria,
  type ViewSearchFilter,
} from '#domain/search.ts';
import { validateInput } from '#domain/validation.ts';
import { instanceIdOf, type OperationHandler } from './context.ts';
import { searchResultView } from './wire.ts';

interface SearchViewsRequest {
  InstanceId: string;
  NextToken?: string;
  MaxResults?: number;
  SearchFilter?: ViewSearchFilter;
  SearchCriteria?: ViewSearchCriteria;
}

/**
 * The most DynamoDB queries one SearchViews call makes, each reading at most 1 MB of the instance's
 * listing (a few thousand views): the bound on a page's reads, however many views the instance
 * has. With the bound on matching work (SEARCH_WORK_BUDGET) and on the response's size, a page can
 * therefore hold fewer than MaxResults views and still carry a NextToken.
 */
export const SEARCH_MAX_QUERIES = 4;

/** Where a NextToken resumes, and what the pages before it saw, for ApproximateTotalCount. */
interface SearchPosition {
  after: string;
  /** Matches returned by earlier pages. */
  matched: number;
  /** Listing items earlier pages read up to `after`. */
  read: number;
  /** The matches across all pages, when the first page counted them to the end of the listing. */
  total?: number;
}

/**
 * Filters the instance's listing (name, description, type, status, tags) page by page. The
 * NextToken is bound to the very criteria and filter it was issued for.
 *
 * ApproximateTotalCount is the number of matches across all pages, on every page (the SDKs'
 * paginators and the AWS CLI keep the first page's). The first page therefore goes on reading and
 * counting after it is full, within the same read and work budget as any page: exact when that
 * reaches the end of the listing, and then carried by the NextToken to the later pages. A later
 * page stops reading once full and counts only the rest of what its queries already read, so that
 * a walk of every page reads little more than the listing. Where no page reached the end, the count is the matches so far plus
 * the views not yet read (from the instance's view count) at the rate the views read so far matched.
 */
export const searchViews: OperationHandler = async (raw, context) => {
  checkSearchBounds(raw);
  const input = validateInput<SearchViewsRequest>('SearchViewsRequest', raw);
  const instanceId = instanceIdOf(input, context);
  // Matching work is metered: a page that reaches the budget ends there, like one that reaches its query budget.
  const meter = { units: 0 };
  const criteria = compileCriteria(input.SearchCriteria, meter);
  const filter = compileFilter(input.SearchFilter, meter);
  const limit = input.MaxResults ?? 100;
  const query = sha256Hex(canonicalize({ criteria: input.SearchCriteria ?? null, filter: input.SearchFilter ?? null })!);
  const scope = `SearchViews\n${instanceId}\n${query}`;
  const position =
    input.NextToken === undefined ? undefined : (JSON.parse(await context.tokens.open(scope, input.NextToken)) as SearchPosition);
  const countToEnd = position === undefined;

  const views: ReturnType<typeof searchResultView>[] = [];
  let bytes = 0;
  /** Set once the page is full: the sort key of its last view, where the next page resumes. */
  let full: string | undefined;
  let read = 0;
  let readInPage = 0;
  let matchedBeyond = 0;
  const walk = context.store.walkListing(instanceId, requiredType(input.SearchCriteria), position?.after);
  /** How the listing is read on: for the page, only to count (eventually consistent: half the units), or not. */
  let reading: 'read' | 'count' | 'stop' = 'read';
  const scan: { exhausted: boolean; last?: string } = { exhausted: false };
  pages: for (let requests = 1; reading !== 'stop'; requests++) {
    // The first query reads twice a page: when most views match, that fills it, and a first page
    // counts on with cheaper reads.
    const page = await walk.next({ ...(requests === 1 ? { limit: Math.max(2 * limit, 100) } : {}), consistent: reading === 'read' });
    if (!page) break;
    for (const [index, { listing, sortKey }] of page.entries.entries()) {
      read++;
      const subject = subjectOf(listing);
      const matches = criteria(subject) && filter(subject);
      if (full !== undefined) {
        if (matches) matchedBeyond++;
      } else {
        if (matches) {
          const view = searchResultView(context.deployment, instanceId, listing);
          views.push(view);
          bytes += responseBytes(view);
        }
        if (views.length >= limit || bytes >= MAX_PAGE_RESPONSE_BYTES) {
          full = sortKey;
          readInPage = read;
        }
      }
      // Counting after the page is full spends the same budget: past it, the count is estimated.
      if (meter.units >= SEARCH_WORK_BUDGET) {
        if (index === page.entries.length - 1 && page.next === undefined) scan.exhausted = true;
        else scan.last = sortKey;
        break pages;
      }
    }
    if (page.next === undefined) {
      scan.exhausted = true;
      break;
    }
    scan.last = page.next;
    reading = requests >= SEARCH_MAX_QUERIES ? 'stop' : full === undefined ? 'read' : countToEnd ? 'count' : 'stop';
  }

  const matched = (position?.matched ?? 0) + views.length;
  const resumeAfter = full !== undefined ? (scan.exhausted && matchedBeyond === 0 ? undefined : full) : scan.last;
  if (full === undefined) readInPage = read;
  let total = matched + matchedBeyond;
  if (!scan.exhausted && position?.total !== undefined) total = Math.max(position.total, total);
  else if (!scan.exhausted) {
    const readSoFar = (position?.read ?? 0) + read;
    const viewCount = await context.store.readViewCount(instanceId);
    if (viewCount !== undefined && readSoFar > 0) total += Math.round((Math.max(0, viewCount - readSoFar) * total) / readSoFar);
  }
  const exactTotal = countToEnd && scan.exhausted ? total : position?.total;
  const next: SearchPosition | undefined =
    resumeAfter === undefined
      ? undefined
      : {
          after: resumeAfter,
          matched,
          read: (position?.read ?? 0) + readInPage,
          ...(exactTotal === undefined ? {} : { total: exactTotal }),
        };
  return {
    Views: views,
    ...(next ? { NextToken: await context.tokens.issue(scope, JSON.stringify(next)) } : {}),
    ApproximateTotalCount: total,
  };
};
