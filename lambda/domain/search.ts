import { InvalidParameterException } from './errors.ts';
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

export type Predicate = (view: Searchable) => boolean;

const FIELDS: Record<string, (view: Searchable) => string | undefined> = {
  name: (view) => view.name,
  description: (view) => view.description,
};

const fold = (text: string) => text.toLocaleLowerCase('en-US');

function stringPredicate(condition: StringCondition, path: string): Predicate {
  const field = condition.FieldName === undefined ? undefined : FIELDS[condition.FieldName.toLowerCase()];
  if (!field) {
    throw new InvalidParameterException(`Invalid parameter ${path}.FieldName: must be one of ${Object.keys(FIELDS).join(', ')}.`);
  }
  if (condition.Value === undefined) throw new InvalidParameterException(`Invalid parameter ${path}.Value: is required.`);
  if (condition.ComparisonType === undefined) throw new InvalidParameterException(`Invalid parameter ${path}.ComparisonType: is required.`);
  const value = condition.Value;
  const folded = fold(value);
  switch (condition.ComparisonType) {
    case 'EXACT':
      return (view) => field(view) === value;
    case 'STARTS_WITH':
      return (view) => fold(field(view) ?? '').startsWith(folded);
    case 'CONTAINS':
      return (view) => fold(field(view) ?? '').includes(folded);
  }
}

const all = (predicates: Predicate[]): Predicate => (view) => predicates.every((p) => p(view));
const any = (predicates: Predicate[]): Predicate => (view) => predicates.some((p) => p(view));

/**
 * SearchCriteria: every part a node sets must hold — any of its OrConditions, all of its
 * AndConditions, its string condition, its type and status. STARTS_WITH and CONTAINS ignore case;
 * EXACT does not. An empty node matches every view.
 */
export function compileCriteria(criteria: ViewSearchCriteria | undefined, path = 'SearchCriteria'): Predicate {
  if (!criteria) return () => true;
  const parts: Predicate[] = [];
  if (criteria.OrConditions?.length) parts.push(any(criteria.OrConditions.map((c, i) => compileCriteria(c, `${path}.OrConditions[${i}]`))));
  if (criteria.AndConditions?.length) parts.push(all(criteria.AndConditions.map((c, i) => compileCriteria(c, `${path}.AndConditions[${i}]`))));
  if (criteria.StringCondition) parts.push(stringPredicate(criteria.StringCondition, `${path}.StringCondition`));
  if (criteria.ViewTypeCondition) parts.push((view) => view.type === criteria.ViewTypeCondition);
  if (criteria.ViewStatusCondition) parts.push((view) => view.status === criteria.ViewStatusCondition);
  return all(parts);
}

function tagPredicate(condition: TagCondition, path: string): Predicate {
  const tagKey = condition.TagKey;
  if (tagKey === undefined) throw new InvalidParameterException(`Invalid parameter ${path}.TagKey: is required.`);
  const tagValue = condition.TagValue;
  return (view) => Object.hasOwn(view.tags, tagKey) && (tagValue === undefined || view.tags[tagKey] === tagValue);
}

/**
 * SearchFilter.AttributeFilter on tags: a single TagCondition (the key, with that value when one
 * is given), an AndCondition (all of its tag conditions) or OrConditions (any of those); when
 * several are given, all must hold.
 */
export function compileFilter(filter: ViewSearchFilter | undefined): Predicate {
  const attribute = filter?.AttributeFilter;
  if (!attribute) return () => true;
  const base = 'SearchFilter.AttributeFilter';
  const andOf = (condition: { TagConditions?: TagCondition[] }, path: string) =>
    all((condition.TagConditions ?? []).map((tag, i) => tagPredicate(tag, `${path}.TagConditions[${i}]`)));
  const parts: Predicate[] = [];
  if (attribute.TagCondition) parts.push(tagPredicate(attribute.TagCondition, `${base}.TagCondition`));
  if (attribute.AndCondition) parts.push(andOf(attribute.AndCondition, `${base}.AndCondition`));
  if (attribute.OrConditions?.length) parts.push(any(attribute.OrConditions.map((c, i) => andOf(c, `${base}.OrConditions[${i}]`))));
  return all(parts);
}

/** A type condition that every match must meet narrows the listing to that type's range. */
export function requiredType(criteria: ViewSearchCriteria | undefined): ViewType | undefined {
  return criteria?.ViewTypeCondition;
}
