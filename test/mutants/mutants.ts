import { readFileSync } from 'node:fs';
import { locate } from './matching.ts';

/**
 * Realistic one-line slips, each in a guard the service relies on. `find` must occur exactly once
 * in `file` (white space and trailing commas aside: see matching.ts); `tests` are the files
 * expected to fail with the slip in place.
 */
export interface Mutant {
  name: string;
  file: string;
  find: string;
  replace: string;
  tests: string[];
}

/** How often the mutant's text occurs in its file: exactly once, or the mutant is stale. */
export function occurrences(mutant: Mutant): number {
  return locate(readFileSync(mutant.file, 'utf8'), mutant.find).length;
}

const STORE = 'lambda/store/view-store.ts';
const PLAN = 'lambda/store/write-plan.ts';
const READS = 'lambda/store/view-reads.ts';

const interleavings = 'test/integration/interleavings.test.ts';
const plans = 'test/unit/write-plan.test.ts';
const torn = 'test/integration/torn-reads.test.ts';

/** A condition that no longer holds anything back: true whatever the item. */
const weaken = (condition: string) => `${condition} OR attribute_exists(#pk) OR attribute_not_exists(#pk)`;

export const MUTANTS: Mutant[] = [
  // CreateViewVersion's guards.
  {
    name: 'publish-without-last-modified-guard',
    file: STORE,
    find: "guards: ['lastModifiedTime', 'description', 'tags'],\n      blobs,",
    replace: "guards: ['description', 'tags'],\n      blobs,",
    tests: [interleavings],
  },
  {
    name: 'publish-without-description-guard',
    file: STORE,
    find: "guards: ['lastModifiedTime', 'description', 'tags'],\n      blobs,",
    replace: "guards: ['lastModifiedTime', 'tags'],\n      blobs,",
    tests: [interleavings],
  },
  {
    name: 'publish-without-tags-guard',
    file: STORE,
    find: "guards: ['lastModifiedTime', 'description', 'tags'],\n      blobs,",
    replace: "guards: ['lastModifiedTime', 'description'],\n      blobs,",
    tests: [interleavings],
  },
  // DeleteViewVersion, UpdateViewContent, UpdateViewMetadata, tags.
  {
    name: 'delete-version-without-highest-guard',
    file: STORE,
    find: "guards: before.highest?.version === record.version ? ['highest'] : [],",
    replace: 'guards: [],',
    tests: [interleavings],
  },
  {
    name: 'save-content-without-last-modified-guard',
    file: STORE,
    find: "guards: ['lastModifiedTime', 'description', 'tags'],\n      blobs:",
    replace: "guards: ['description', 'tags'],\n      blobs:",
    tests: [interleavings],
  },
  {
    name: 'save-content-without-description-guard',
    file: STORE,
    find: "guards: ['lastModifiedTime', 'description', 'tags'],\n      blobs:",
    replace: "guards: ['lastModifiedTime', 'tags'],\n      blobs:",
    tests: [interleavings],
  },
  {
    name: 'save-content-without-tags-guard',
    file: STORE,
    find: "guards: ['lastModifiedTime', 'description', 'tags'],\n      blobs:",
    replace: "guards: ['lastModifiedTime', 'description'],\n      blobs:",
    tests: [interleavings],
  },
  {
    name: 'rename-without-description-guard',
    file: STORE,
    find: "guards: renamed ? ['description', 'tags', 'lastModifiedTime'] : []",
    replace: "guards: renamed ? ['tags', 'lastModifiedTime'] : []",
    tests: [interleavings],
  },
  {
    name: 'rename-without-tags-guard',
    file: STORE,
    find: "guards: renamed ? ['description', 'tags', 'lastModifiedTime'] : []",
    replace: "guards: renamed ? ['description', 'lastModifiedTime'] : []",
    tests: [interleavings],
  },
  {
    name: 'rename-without-last-modified-guard',
    file: STORE,
    find: "guards: renamed ? ['description', 'tags', 'lastModifiedTime'] : []",
    replace: "guards: renamed ? ['description', 'tags'] : []",
    tests: [interleavings],
  },
  {
    name: 'tags-without-tags-guard',
    file: STORE,
    find: "await this.#change('saveTags', before, after, { guards: ['tags'] });",
    replace: "await this.#change('saveTags', before, after, { guards: [] });",
    tests: [interleavings],
  },
  // Conditions of the transaction plan.
  {
    name: 'listing-not-required-to-be-this-views',
    file: PLAN,
    find: "ConditionExpression: '#viewId = :viewId',",
    replace: "ConditionExpression: '#viewId = :viewId OR attribute_not_exists(#viewId)',",
    tests: [interleavings],
  },
  {
    name: 'name-claim-not-exclusive',
    file: PLAN,
    find:
      "Item: { ...listingKey(listing), kind: 'listing', ...listingAttributes(listing) }, " +
      "ConditionExpression: 'attribute_not_exists(#pk)',",
    replace:
      "Item: { ...listingKey(listing), kind: 'listing', ...listingAttributes(listing) }, " +
      `ConditionExpression: '${weaken('attribute_not_exists(#pk)')}',`,
    tests: [interleavings],
  },
  {
    name: 'client-token-not-exclusive',
    file: PLAN,
    find: "ConditionExpression: 'attribute_not_exists(#pk) OR #ttl < :now',",
    replace: `ConditionExpression: '${weaken('attribute_not_exists(#pk) OR #ttl < :now')}',`,
    tests: [interleavings],
  },
  {
    name: 'head-may-be-a-tombstone',
    file: PLAN,
    find: "const conditions = ['attribute_exists(#pk)', 'attribute_not_exists(#deleting)'];",
    replace: "const conditions = ['attribute_exists(#pk)', '(attribute_not_exists(#deleting) OR attribute_exists(#deleting))'];",
    tests: [interleavings, plans],
  },
  {
    name: 'head-may-be-absent',
    file: PLAN,
    find: "const conditions = ['attribute_exists(#pk)', 'attribute_not_exists(#deleting)'];",
    replace: "const conditions = ['(attribute_exists(#pk) OR attribute_not_exists(#pk))', 'attribute_not_exists(#deleting)'];",
    tests: [plans],
  },
  {
    name: 'unchanged-head-not-checked',
    file: PLAN,
    find: "if (set.length === 0 && remove.length === 0 && add.length === 0) return { purpose: 'head', item: { ConditionCheck: target } };",
    replace:
      'if (set.length === 0 && remove.length === 0 && add.length === 0) ' +
      "return { purpose: 'head', item: { Update: { ...target, UpdateExpression: 'SET #pk = #pk' } } };",
    tests: [plans],
  },
  {
    name: 'version-deletion-not-required-to-exist',
    file: PLAN,
    find: "ConditionExpression: 'attribute_exists(#pk)', ExpressionAttributeNames: { '#pk': PARTITION_KEY }, }, }, }, ];",
    replace: `ConditionExpression: '${weaken('attribute_exists(#pk)')}', ExpressionAttributeNames: { '#pk': PARTITION_KEY } } } } ];`,
    tests: [interleavings],
  },
  {
    name: 'puts-overwrite',
    file: PLAN,
    find: "Put: { TableName: tableName, Item: item, ConditionExpression: 'attribute_not_exists(#pk)',",
    replace: `Put: { TableName: tableName, Item: item, ConditionExpression: '${weaken('attribute_not_exists(#pk)')}',`,
    tests: [plans],
  },
  {
    name: 'counts-set-from-the-read',
    file: PLAN,
    find: 'if (COUNTER_FIELDS.includes(field)) {',
    replace: 'if (COUNTER_FIELDS.includes(field) && false) {',
    tests: [interleavings, plans],
  },
  {
    name: 'name-claim-hides-a-race',
    file: 'lambda/store/errors.ts',
    find: "if (failed.has('name') && failed.size === 1) throw",
    replace: "if (failed.has('name')) throw",
    tests: [interleavings],
  },
  // Reads that overlap a write (read-committed tearing).
  {
    name: 'alias-read-trusts-a-torn-query',
    file: READS,
    find: 'return chunks.length === chunksOf(wanted) ?',
    replace: 'return chunks.length >= 0 ?',
    tests: [torn],
  },
  {
    name: 'version-read-trusts-a-torn-read',
    file: READS,
    find: 'return chunks.length === expected ?',
    replace: 'return chunks.length >= 0 ?',
    tests: [torn],
  },
  {
    name: 'version-list-trusts-a-torn-page',
    file: READS,
    find: 'page.head.versions === undefined || page.head.versions === page.versions.length;',
    replace: 'page.head.versions === undefined || true;',
    tests: [torn],
  },
  {
    name: 'listing-shows-a-view-twice',
    file: 'lambda/store/listing-reads.ts',
    find: 'items: page.filter((item) => firstSighting(seen, item)).map(listingFromItem),',
    replace: 'items: page.map(listingFromItem),',
    tests: [torn],
  },
  {
    name: 'next-token-outlives-its-view',
    file: 'lambda/operations/list-view-versions.ts',
    find: 'if (!page.head) throw viewNotFound(ref);',
    replace: 'if (!page.head && after === undefined) throw viewNotFound(ref);',
    tests: ['test/integration/versions.test.ts'],
  },
  // Limits.
  {
    name: 'content-limit-raised',
    file: 'lambda/domain/response-size.ts',
    find: 'export const MAX_CONTENT_RESPONSE_BYTES = 4 * 1024 * 1024;',
    replace: 'export const MAX_CONTENT_RESPONSE_BYTES = 16 * 1024 * 1024;',
    tests: ['test/integration/limits.test.ts'],
  },
  {
    name: 'search-page-not-bounded-by-bytes',
    file: 'lambda/operations/search-views.ts',
    find: 'if (views.length >= limit || bytes >= MAX_PAGE_RESPONSE_BYTES) {',
    replace: 'if (views.length >= limit) {',
    tests: ['test/integration/search.test.ts'],
  },
  {
    name: 'search-work-unbounded',
    file: 'lambda/domain/search.ts',
    find: 'export const SEARCH_WORK_BUDGET = 16_000_000;',
    replace: 'export const SEARCH_WORK_BUDGET = Infinity;',
    tests: ['test/integration/search.test.ts'],
  },
  {
    name: 'search-field-names-are-properties',
    file: 'lambda/domain/search.ts',
    find: 'FIELDS.get(condition.FieldName.toLowerCase())',
    replace: '(Object.fromEntries(FIELDS) as Record<string, Field>)[condition.FieldName.toLowerCase()]',
    tests: ['test/integration/search.test.ts'],
  },
  {
    name: 'search-conditions-unbounded',
    file: 'lambda/domain/search.ts',
    find: '  criteria: 50,',
    replace: '  criteria: 5_000_000,',
    tests: ['test/integration/search.test.ts'],
  },
  {
    name: 'description-limit-dropped-from-the-model',
    file: 'lambda/model/connect-views-model.json',
    find: '"ViewDescription": {\n   "type": "string",\n   "max": 4096,',
    replace: '"ViewDescription": {\n   "type": "string",',
    tests: ['test/unit/model-constraints.test.ts', 'test/integration/boundaries.test.ts'],
  },
  // Fidelity and caller-chosen keys.
  {
    name: 'publish-leaves-last-modified-time',
    file: 'lambda/operations/create-view-version.ts',
    find: '      lastModifiedTime: publishedTime,\n',
    replace: '',
    tests: ['test/integration/versions.test.ts'],
  },
  {
    name: 'total-count-stops-with-the-first-page',
    file: 'lambda/operations/search-views.ts',
    find: "full === undefined ? 'read' : countToEnd ? 'count' : 'stop';",
    replace: "full === undefined ? 'read' : 'stop';",
    tests: ['test/integration/search.test.ts'],
  },
  {
    name: 'counting-after-a-full-page-unmetered',
    file: 'lambda/operations/search-views.ts',
    find: 'if (matches) matchedBeyond++;\n      } else {',
    replace: 'if (matches) matchedBeyond++;\n        continue;\n      } else {',
    tests: ['test/integration/search.test.ts'],
  },
  {
    name: 'total-count-only-so-far',
    file: 'lambda/operations/search-views.ts',
    find: 'if (viewCount !== undefined && readSoFar > 0) total +=',
    replace: 'if (viewCount === -1) total +=',
    tests: ['test/integration/search.test.ts'],
  },
  {
    name: 'tags-copied-into-a-plain-object',
    file: 'lambda/operations/tags.ts',
    find: 'const tags = change(Object.assign(Object.create(null) as Record<string, string>, before.tags));',
    replace: 'const tags = change(Object.assign({}, before.tags));',
    tests: ['test/integration/limits.test.ts'],
  },
  {
    name: 'purge-of-a-live-view',
    file: 'lambda/store/purge.ts',
    find: "if (head && head['deleting'] !== true) throw",
    replace: 'if (head && head === undefined) throw',
    tests: ['test/integration/purge.test.ts'],
  },
  // IAM: the role the template grants.
  {
    name: 'condition-check-not-granted',
    file: 'lambda/store/permissions.ts',
    find: "  'dynamodb:ConditionCheckItem',\n",
    replace: '',
    tests: ['test/integration/iam.test.ts'],
  },
  {
    name: 'delete-without-purge-request',
    file: STORE,
    find: 'purgeRequest(this.#tableName, before.instanceId, before.viewId, purgeId, this.now()),',
    replace: '',
    tests: ['test/integration/purge.test.ts'],
  },
];
