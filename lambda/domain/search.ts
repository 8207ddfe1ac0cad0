import { InvalidParameterException } from './errors.ts';
import { containsMatcher } from './text-match.ts';
import type { ViewStatus } from './content.ts';
import type { ViewType } from './view.ts';

/** What a search condition can see of a view: the instance listing's fields. */
export interface Searchable {
  name: string;
  description?: string;
  type: ViewType;
  status: ViewStatus;
  tags: Record<string, string>;
}

export interface StringCondition {
  FieldName?: string;
  Value?: string;
  ComparisonType?: 'STARTS_WITH' | 'CONTAINS' | 'EXACT';
}

export interface ViewSearchCriteria {
  OrConditions?: ViewSearchCriteria[];
  AndConditions?: ViewSearchCriteria[];
  StringCondition?: StringCondition;
  ViewTypeCondition?: ViewType;
  ViewStatusCondition?: ViewStatus;
}

export interface TagCondition {
  TagKey?: string;
  TagValue?: string;
}

export interface ViewSearchFilter {
  AttributeFilter?: {
    OrConditions?: { TagConditions?: TagCondition[] }[];
    AndCondition?: { TagConditions?: TagCondition[] };
    TagCondition?: TagCondition;
  };
}

/**
 * What the predicates see of a view: its listing fields, with the searchable text case-folded once
 * per view rather than once per condition.
 */
export interface SearchSubject extends Searchable {
  folded: { name: string; description: string };
}

export function subjectOf(view: Searchable): SearchSubject {
  return { ...view, folded: { name: fold(view.name), description: fold(view.description ?? '') } };
}

export type Predicate = (view: SearchSubject) => boolean;

/**
 * The work the predicates of one request did, in characters compared (each at most a few
 * nanoseconds): SearchViews ends its page when it reaches SEARCH_WORK_BUDGET.
 */
export interface WorkMeter {
  units: number;
}

/** About 0.1 s of matching on a slow core: a page that reaches it ends there, with a NextToken. */
export const SEARCH_WORK_BUDGET = 16_000_000;

type Field = 'name' | 'description';
/** A Map, so that a FieldName such as `constructor` is just an unknown field, not an object property. */
const FIELDS = new Map<string, Field>([
  ['name', 'name'],
  ['description', 'description'],
]);

/** Locale-independent on purpose: `toLocaleLowerCase('en-US')` gives the same result through ICU, far slower. */
const fold = (text: string) => text.toLowerCase();

/**
 * Bounds on a search's conditions, so that one request's work stays small whatever it asks: each
 * string condition costs a scan of every listed view's name or description.
 */
export const SEARCH_BOUNDS = {
  /** ViewSearchCriteria objects in all, nested ones included. */
  criteria: 50,
  /** Entries in one AndConditions or OrConditions list. */
  listEntries: 20,
  /** Levels of AndConditions/OrConditions nesting. */
  depth: 8,
  /** Characters of a StringCondition's Value (the longest searchable field, a description, has 4,096). */
  valueLength: 4096,
  /** TagConditions in all in SearchFilter.AttributeFilter (a view has at most 50 tags). */
  tagConditions: 50,
} as const;

function outOfBounds(path: string, problem: string): never {
  throw new InvalidParameterException(`Invalid parameter ${path}: ${problem}.`);
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Checks SEARCH_BOUNDS on the request as it arrived, before anything else walks it, and stops at
 * the first bound exceeded: refusing a million conditions costs no more than refusing fifty-one.
 * Shapes it does not recognise are left for the model validation to refuse.
 */
export function checkSearchBounds(input: { SearchCriteria?: unknown; SearchFilter?: unknown }): void {
  let criteria = 0;
  const stack: { node: unknown; path: string; depth: number }[] = [{ node: input.SearchCriteria, path: 'SearchCriteria', depth: 0 }];
  while (stack.length > 0) {
    const { node, path, depth } = stack.pop()!;
    if (!isObject(node)) continue;
    if (++criteria > SEARCH_BOUNDS.criteria) outOfBounds('SearchCriteria', `has more than ${SEARCH_BOUNDS.criteria} conditions in all`);
    if (depth > SEARCH_BOUNDS.depth) outOfBounds(path, `nests And/Or conditions more than ${SEARCH_BOUNDS.depth} levels deep`);
    const value = isObject(node['StringCondition']) ? node['StringCondition']['Value'] : undefined;
    if (typeof value === 'string' && value.length > SEARCH_BOUNDS.valueLength) {
      outOfBounds(`${path}.StringCondition.Value`, `must have at most ${SEARCH_BOUNDS.valueLength} characters`);
    }
    for (const list of ['AndConditions', 'OrConditions']) {
      const entries = node[list];
      if (!Array.isArray(entries)) continue;
      if (entries.length > SEARCH_BOUNDS.listEntries)
        outOfBounds(`${path}.${list}`, `must have at most ${SEARCH_BOUNDS.listEntries} entries`);
      for (const [index, entry] of entries.entries()) stack.push({ node: entry, path: `${path}.${list}[${index}]`, depth: depth + 1 });
    }
  }
  const attribute = isObject(input.SearchFilter) ? input.SearchFilter['AttributeFilter'] : undefined;
  if (!isObject(attribute)) return;
  const lists: unknown[] = [isObject(attribute['AndCondition']) ? attribute['AndCondition']['TagConditions'] : undefined];
  if (Array.isArray(attribute['OrConditions'])) {
    if (attribute['OrConditions'].length > SEARCH_BOUNDS.listEntries) {
      outOfBounds('SearchFilter.AttributeFilter.OrConditions', `must have at most ${SEARCH_BOUNDS.listEntries} entries`);
    }
    for (const entry of attribute['OrConditions']) lists.push(isObject(entry) ? entry['TagConditions'] : undefined);
  }
  let tags = attribute['TagCondition'] === undefined ? 0 : 1;
  for (const list of lists) {
    if (Array.isArray(list)) tags += list.length;
    if (tags > SEARCH_BOUNDS.tagConditions)
      outOfBounds('SearchFilter.AttributeFilter', `has more than ${SEARCH_BOUNDS.tagConditions} tag conditions in all`);
  }
}

function stringPredicate(condition: StringCondition, path: string, meter: WorkMeter): Predicate {
  const field = condition.FieldName === undefined ? undefined : FIELDS.get(condition.FieldName.toLowerCase());
  if (!field) {
    throw new InvalidParameterException(`Invalid parameter ${path}.FieldName: must be one of ${[...FIELDS.keys()].join(', ')}.`);
  }
  if (condition.Value === undefined) throw new InvalidParameterException(`Invalid parameter ${path}.Value: is required.`);
  if (condition.ComparisonType === undefined) throw new InvalidParameterException(`Invalid parameter ${path}.ComparisonType: is required.`);
  const value = condition.Value;
  const folded = fold(value);
  switch (condition.ComparisonType) {
    case 'EXACT':
      return (view) => {
        meter.units += Math.min(value.length, view.folded[field].length) + 1;
        return view[field] === value;
      };
    case 'STARTS_WITH':
      return (view) => {
        meter.units += Math.min(folded.length, view.folded[field].length) + 1;
        return view.folded[field].startsWith(folded);
      };
    case 'CONTAINS': {
      const contains = containsMatcher(folded);
      return (view) => {
        meter.units += view.folded[field].length + folded.length + 1;
        return contains(view.folded[field]);
      };
    }
  }
}

const all =
  (predicates: Predicate[]): Predicate =>
  (view) =>
    predicates.every((p) => p(view));
const any =
  (predicates: Predicate[]): Predicate =>
  (view) =>
    predicates.some((p) => p(view));

/**
 * SearchCriteria: every part a node sets must hold — any of its OrConditions, all of its
 * AndConditions, its string condition, its type and status. STARTS_WITH and CONTAINS ignore case;
 * EXACT does not. An empty node matches every view.
 */
export function compileCriteria(
  criteria: ViewSearchCriteria | undefined,
  meter: WorkMeter = { units: 0 },
  path = 'SearchCriteria',
): Predicate {
  if (!criteria) return () => true;
  const parts: Predicate[] = [];
  if (criteria.OrConditions?.length)
    parts.push(any(criteria.OrConditions.map((c, i) => compileCriteria(c, meter, `${path}.OrConditions[${i}]`))));
  if (criteria.AndConditions?.length)
    parts.push(all(criteria.AndConditions.map((c, i) => compileCriteria(c, meter, `${path}.AndConditions[${i}]`))));
  if (criteria.StringCondition) parts.push(stringPredicate(criteria.StringCondition, `${path}.StringCondition`, meter));
  if (criteria.ViewTypeCondition) parts.push((view) => view.type === criteria.ViewTypeCondition);
  if (criteria.ViewStatusCondition) parts.push((view) => view.status === criteria.ViewStatusCondition);
  return all(parts);
}

function tagPredicate(condition: TagCondition, path: string, meter: WorkMeter): Predicate {
  const tagKey = condition.TagKey;
  if (tagKey === undefined) throw new InvalidParameterException(`Invalid parameter ${path}.TagKey: is required.`);
  const tagValue = condition.TagValue;
  return (view) => {
    meter.units += tagKey.length + (tagValue?.length ?? 0) + 1;
    return Object.hasOwn(view.tags, tagKey) && (tagValue === undefined || view.tags[tagKey] === tagValue);
  };
}

/**
 * SearchFilter.AttributeFilter on tags: a single TagCondition (the key, with that value when one
 * is given), an AndCondition (all of its tag conditions) or OrConditions (any of those); when
 * several are given, all must hold.
 */
export function compileFilter(filter: ViewSearchFilter | undefined, meter: WorkMeter = { units: 0 }): Predicate {
  const attribute = filter?.AttributeFilter;
  if (!attribute) return () => true;
  const base = 'SearchFilter.AttributeFilter';
  const andOf = (condition: { TagConditions?: TagCondition[] }, path: string) =>
    all((condition.TagConditions ?? []).map((tag, i) => tagPredicate(tag, `${path}.TagConditions[${i}]`, meter)));
  const parts: Predicate[] = [];
  if (attribute.TagCondition) parts.push(tagPredicate(attribute.TagCondition, `${base}.TagCondition`, meter));
  if (attribute.AndCondition) parts.push(andOf(attribute.AndCondition, `${base}.AndCondition`));
  if (attribute.OrConditions?.length) parts.push(any(attribute.OrConditions.map((c, i) => andOf(c, `${base}.OrConditions[${i}]`))));
  return all(parts);
}

/** A type condition that every match must meet narrows the listing to that type's range. */
export function requiredType(criteria: ViewSearchCriteria | undefined): ViewType | undefined {
  return criteria?.ViewTypeCondition;
}
