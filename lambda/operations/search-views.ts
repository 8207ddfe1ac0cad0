import canonicalize from 'canonicalize';
import { sha256Hex } from '#domain/content.ts';
import { compileCriteria, compileFilter, requiredType, type ViewSearchCriteria, type ViewSearchFilter } from '#domain/search.ts';
import { validateInput } from '#domain/validation.ts';
import { searchResultView } from '#domain/view.ts';
import type { ViewListing } from '#store/view-store.ts';
import { instanceIdOf, type OperationHandler } from './context.ts';

interface SearchViewsRequest {
  InstanceId: string;
  NextToken?: string;
  MaxResults?: number;
  SearchFilter?: ViewSearchFilter;
  SearchCriteria?: ViewSearchCriteria;
}

/**
 * The most DynamoDB queries one SearchViews call makes, each reading at most 1 MB of the instance's
 * listing (a few thousand views): the bound on a page's cost, however many views the instance has.
 * A page can therefore hold fewer than MaxResults views and still carry a NextToken.
 */
export const SEARCH_MAX_QUERIES = 4;

interface SearchPosition {
  after: string;
  /** Matches returned by earlier pages, for ApproximateTotalCount. */
  matched: number;
}

/**
 * Filters the instance's listing (name, description, type, status, tags) page by page. The
 * NextToken is bound to the very criteria and filter it was issued for. ApproximateTotalCount is
 * the number of matches found up to and including this page: exact on the last page.
 */
export const searchViews: OperationHandler = async (raw, context) => {
  const input = validateInput<SearchViewsRequest>('SearchViewsRequest', raw);
  const instanceId = instanceIdOf(input, context);
  const criteria = compileCriteria(input.SearchCriteria);
  const filter = compileFilter(input.SearchFilter);
  const limit = input.MaxResults ?? 100;
  const query = sha256Hex(canonicalize({ criteria: input.SearchCriteria ?? null, filter: input.SearchFilter ?? null })!);
  const scope = `SearchViews\n${instanceId}\n${query}`;
  const position = input.NextToken === undefined ? undefined : (JSON.parse(context.tokens.open(scope, input.NextToken)) as SearchPosition);

  const found: ViewListing[] = [];
  // The first query reads twice a page: when most views match, that is all it takes.
  const limits = { maxRequests: SEARCH_MAX_QUERIES, firstLimit: 2 * limit };
  const { resumeAfter } = await context.store.scanListings(instanceId, requiredType(input.SearchCriteria), position?.after, limits, (view) => {
    if (criteria(view) && filter(view)) found.push(view);
    return found.length >= limit ? 'stop' : 'continue';
  });
  const matched = (position?.matched ?? 0) + found.length;
  return {
    Views: found.map((view) => searchResultView(context.deployment, instanceId, view)),
    ...(resumeAfter === undefined ? {} : { NextToken: context.tokens.issue(scope, JSON.stringify({ after: resumeAfter, matched } satisfies SearchPosition)) }),
    ApproximateTotalCount: matched,
  };
};
