import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { before, describe, it } from 'node:test';
import {
  DeleteViewCommand,
  SearchViewsCommand,
  paginateSearchViews,
  TagResourceCommand,
  UpdateViewContentCommand,
  UpdateViewMetadataCommand,
  type SearchViewsCommandInput,
  type View,
} from '@aws-sdk/client-connect';
import { LAMBDA_RESPONSE_LIMIT, responseBytes } from '#domain/response-size.ts';
import { SEARCH_MAX_QUERIES } from '#operations/search-views.ts';
import { listingAttributes } from '#store/items.ts';
import { instancePartition, key, listingSk, VIEW_COUNT_SHARDS, viewCountShard, viewCountSk } from '#store/keys.ts';
import { InstrumentedDynamo } from '../support/instrumented-dynamo.ts';
import { send } from '../support/signed-http.ts';
import { seedItems } from '../support/table-seed.ts';
import { createView, failure } from '../support/fixtures.ts';
import { dynamoEndpoint, useTestService } from '../support/service.ts';

const dynamo = new InstrumentedDynamo(dynamoEndpoint());
const ctx = useTestService({ documentClient: dynamo.client });
/** SearchViews takes only real Connect instance ids (UUIDs) or instance ARNs, per the model. */
const instanceId = randomUUID();
const views: Record<string, View> = {};

async function search(input: Omit<SearchViewsCommandInput, 'InstanceId'>, instance: string = instanceId) {
  return ctx.client.send(new SearchViewsCommand({ InstanceId: instance, ...input }));
}

async function names(input: Omit<SearchViewsCommandInput, 'InstanceId'>): Promise<string[]> {
  const found: string[] = [];
  let token: string | undefined;
  do {
    const page = await search({ ...input, ...(token ? { NextToken: token } : {}) });
    found.push(...page.Views!.map((v) => v.Name!));
    token = page.NextToken;
  } while (token);
  return found;
}

/**
 * Listing items (and the instance's view count, as CreateView keeps it) written straight into the
 * store's layout: instances of hundreds of views with 4,000-character descriptions, a few hundred
 * to a 1 MB query page, without hundreds of CreateView calls.
 */
async function seedListings(instance: string, names: string[], description: string) {
  const now = Date.now();
  const shards = new Array<number>(VIEW_COUNT_SHARDS).fill(0);
  const items: Record<string, unknown>[] = names.map((name) => {
    const viewId = randomUUID();
    shards[viewCountShard(viewId)]!++;
    return {
      ...key(instancePartition(instance), listingSk('CUSTOMER_MANAGED', name)),
      kind: 'listing',
      ...listingAttributes({
        viewId,
        name,
        description,
        type: 'CUSTOMER_MANAGED',
        status: 'SAVED',
        tags: {},
        createdTime: now,
        lastModifiedTime: now,
      }),
    };
  });
  for (const [shard, views] of shards.entries()) items.push({ ...key(instancePartition(instance), viewCountSk(shard)), views });
  await seedItems(ctx.service.tableName, items);
}

describe('SearchViews', () => {
  before(async () => {
    const specs = [
      { name: 'Customer Form', description: 'Collects customer details', status: 'PUBLISHED', tags: { team: 'care', tier: 'gold' } },
      { name: 'customer survey', description: 'After-call survey', status: 'SAVED', tags: { team: 'care' } },
      { name: 'Order Lookup', description: 'Finds an order', status: 'PUBLISHED', tags: { team: 'sales' } },
      { name: 'Refund', status: 'SAVED', tags: {} },
      { name: 'Returns Desk', description: 'customer returns', status: 'PUBLISHED', tags: { tier: 'gold' } },
    ] as const;
    for (const spec of specs) {
      views[spec.name] = await createView(ctx.client, instanceId, {
        name: spec.name,
        status: spec.status,
        ...('description' in spec ? { description: spec.description } : {}),
        ...(Object.keys(spec.tags).length ? { tags: spec.tags } : {}),
      });
    }
  });

  it('matches name and description with CONTAINS and STARTS_WITH ignoring case, and EXACT as written', async () => {
    assert.deepEqual(
      await names({ SearchCriteria: { StringCondition: { FieldName: 'name', Value: 'CUSTOMER', ComparisonType: 'CONTAINS' } } }),
      ['Customer Form', 'customer survey'],
    );
    assert.deepEqual(
      await names({ SearchCriteria: { StringCondition: { FieldName: 'name', Value: 're', ComparisonType: 'STARTS_WITH' } } }),
      ['Refund', 'Returns Desk'],
    );
    assert.deepEqual(
      await names({ SearchCriteria: { StringCondition: { FieldName: 'name', Value: 'refund', ComparisonType: 'EXACT' } } }),
      [],
    );
    assert.deepEqual(
      await names({ SearchCriteria: { StringCondition: { FieldName: 'name', Value: 'Refund', ComparisonType: 'EXACT' } } }),
      ['Refund'],
    );
    assert.deepEqual(
      await names({ SearchCriteria: { StringCondition: { FieldName: 'description', Value: 'customer', ComparisonType: 'CONTAINS' } } }),
      ['Customer Form', 'Returns Desk'],
    );
  });

  it('combines And and Or conditions with status and type conditions', async () => {
    const published = await names({ SearchCriteria: { ViewStatusCondition: 'PUBLISHED' } });
    assert.deepEqual(published, ['Customer Form', 'Order Lookup', 'Returns Desk']);
    const either = await names({
      SearchCriteria: {
        OrConditions: [
          { StringCondition: { FieldName: 'name', Value: 'order', ComparisonType: 'CONTAINS' } },
          {
            AndConditions: [
              { ViewStatusCondition: 'SAVED' },
              { StringCondition: { FieldName: 'name', Value: 'ref', ComparisonType: 'STARTS_WITH' } },
            ],
          },
        ],
      },
    });
    assert.deepEqual(either, ['Order Lookup', 'Refund']);
    assert.equal((await names({ SearchCriteria: { ViewTypeCondition: 'CUSTOMER_MANAGED' } })).length, 5);
    assert.deepEqual(await names({ SearchCriteria: { ViewTypeCondition: 'AWS_MANAGED' } }), []);
  });

  it('filters on tags: a key with a value, a key alone, all of an AndCondition, any of OrConditions', async () => {
    assert.deepEqual(await names({ SearchFilter: { AttributeFilter: { TagCondition: { TagKey: 'team', TagValue: 'care' } } } }), [
      'Customer Form',
      'customer survey',
    ]);
    assert.deepEqual(await names({ SearchFilter: { AttributeFilter: { TagCondition: { TagKey: 'tier' } } } }), [
      'Customer Form',
      'Returns Desk',
    ]);
    assert.deepEqual(
      await names({
        SearchFilter: {
          AttributeFilter: {
            AndCondition: {
              TagConditions: [
                { TagKey: 'team', TagValue: 'care' },
                { TagKey: 'tier', TagValue: 'gold' },
              ],
            },
          },
        },
      }),
      ['Customer Form'],
    );
    assert.deepEqual(
      await names({
        SearchFilter: {
          AttributeFilter: {
            OrConditions: [
              { TagConditions: [{ TagKey: 'team', TagValue: 'sales' }] },
              { TagConditions: [{ TagKey: 'tier', TagValue: 'gold' }] },
            ],
          },
        },
        SearchCriteria: { ViewStatusCondition: 'PUBLISHED' },
      }),
      ['Customer Form', 'Order Lookup', 'Returns Desk'],
    );
  });

  it('returns views as the View shape without content, pages with MaxResults, and counts the matches', async () => {
    const first = await search({ MaxResults: 2 });
    assert.equal(first.Views!.length, 2);
    assert.ok(first.NextToken);
    const view = first.Views![0]!;
    assert.equal(view.Name, 'Customer Form');
    assert.equal(view.Arn, views['Customer Form']!.Arn);
    assert.equal(view.Status, 'PUBLISHED');
    assert.deepEqual(view.Tags, { team: 'care', tier: 'gold' });
    assert.ok(view.CreatedTime instanceof Date && view.LastModifiedTime instanceof Date);
    assert.equal(view.Content, undefined);
    assert.equal(first.ApproximateTotalCount, 5, 'the total across all pages, already on the first');

    let page = first;
    const seen = first.Views!.map((v) => v.Name);
    while (page.NextToken) {
      page = await search({ MaxResults: 2, NextToken: page.NextToken });
      seen.push(...page.Views!.map((v) => v.Name));
    }
    assert.equal(seen.length, 5);
    assert.equal(page.ApproximateTotalCount, 5, 'exact on the last page');

    const changed = await failure(search({ MaxResults: 2, NextToken: first.NextToken, SearchCriteria: { ViewStatusCondition: 'SAVED' } }));
    assert.equal(changed.name, 'InvalidParameterException', 'a token is bound to its criteria');
  });

  it('sees renames, new descriptions, tags and status changes, and forgets deleted views', async () => {
    const instance = randomUUID();
    const view = await createView(ctx.client, instance, { name: 'Before', status: 'SAVED' });
    await ctx.client.send(
      new UpdateViewMetadataCommand({ InstanceId: instance, ViewId: view.Id, Name: 'After', Description: 'renamed view' }),
    );
    await ctx.client.send(new TagResourceCommand({ resourceArn: view.Arn, tags: { stage: 'beta' } }));
    await ctx.client.send(
      new UpdateViewContentCommand({ InstanceId: instance, ViewId: view.Id, Status: 'PUBLISHED', Content: { Template: '{}' } }),
    );
    const found = await search(
      {
        SearchCriteria: {
          AndConditions: [
            { StringCondition: { FieldName: 'description', Value: 'renamed', ComparisonType: 'CONTAINS' } },
            { ViewStatusCondition: 'PUBLISHED' },
          ],
        },
        SearchFilter: { AttributeFilter: { TagCondition: { TagKey: 'stage', TagValue: 'beta' } } },
      },
      instance,
    );
    assert.deepEqual(
      found.Views!.map((v) => v.Name),
      ['After'],
    );
    await ctx.client.send(new DeleteViewCommand({ InstanceId: instance, ViewId: view.Id }));
    assert.deepEqual((await search({}, instance)).Views, []);
  });

  it('validates the request: instance id form, field names, missing parts, nesting depth', async () => {
    const cases: [string, () => Promise<unknown>][] = [
      ['InstanceId', () => search({}, 'not-a-uuid')],
      [
        'FieldName',
        () => search({ SearchCriteria: { StringCondition: { FieldName: 'template', Value: 'x', ComparisonType: 'CONTAINS' } } }),
      ],
      // Field names are data, not object properties.
      [
        'FieldName',
        () => search({ SearchCriteria: { StringCondition: { FieldName: 'constructor', Value: 'x', ComparisonType: 'CONTAINS' } } }),
      ],
      [
        'FieldName',
        () => search({ SearchCriteria: { StringCondition: { FieldName: '__proto__', Value: 'x', ComparisonType: 'STARTS_WITH' } } }),
      ],
      ['Value', () => search({ SearchCriteria: { StringCondition: { FieldName: 'name', ComparisonType: 'CONTAINS' } } })],
      ['TagKey', () => search({ SearchFilter: { AttributeFilter: { TagCondition: { TagValue: 'v' } } } })],
      ['MaxResults', () => search({ MaxResults: 101 })],
    ];
    for (const [member, request] of cases) {
      const error = await failure(request());
      assert.equal(error.name, 'InvalidParameterException', member);
      assert.match(error.message, new RegExp(member));
    }
    const notUuid = await failure(search({}, 'my-instance'));
    assert.match(
      notUuid.message,
      /InstanceId: must be the instance's id, a UUID such as .*, or its instance ARN/,
      'said in words, not as a regex',
    );
    let deep: Record<string, unknown> = { ViewStatusCondition: 'SAVED' };
    for (let i = 0; i < 40; i++) deep = { AndConditions: [deep] };
    const tooDeep = await failure(search({ SearchCriteria: deep as never }));
    assert.equal(tooDeep.name, 'InvalidParameterException');
    assert.match(tooDeep.message, /nests And\/Or conditions more than 8 levels/);
    const arn = await search({}, `arn:aws:connect:us-east-1:000000000000:instance/${instanceId}`);
    assert.equal(arn.Views!.length, 5, 'an instance ARN names the same instance');
  });

  it('costs at most 4 DynamoDB queries per call, however selective the search', async () => {
    const counts = await dynamo.count(() =>
      search({ SearchCriteria: { StringCondition: { FieldName: 'name', Value: 'nothing matches this', ComparisonType: 'CONTAINS' } } }),
    );
    assert.deepEqual(counts, { QueryCommand: 1 });
  });
});

describe('SearchViews: bounded work and a count across pages', () => {
  const bounded = (criteria: unknown) => search({ SearchCriteria: criteria as never });
  const stringConditionOn = (field: string, value: string) => ({
    StringCondition: { FieldName: field, Value: value, ComparisonType: 'CONTAINS' as const },
  });
  const stringCondition = (value = 'x') => stringConditionOn('name', value);

  it('accepts conditions up to each documented bound and refuses one past it, naming the bound', async () => {
    // 50 criteria objects in all: the root, 7 under it, 6 under each of those.
    const fifty = {
      AndConditions: Array.from({ length: 7 }, () => ({ OrConditions: Array.from({ length: 6 }, () => stringCondition()) })),
    };
    assert.equal((await bounded(fifty)).$metadata.httpStatusCode, 200);
    let eight: Record<string, unknown> = stringCondition();
    for (let i = 0; i < 8; i++) eight = { AndConditions: [eight] };
    assert.equal((await bounded(eight)).$metadata.httpStatusCode, 200);
    assert.equal((await bounded({ OrConditions: Array.from({ length: 20 }, () => stringCondition()) })).$metadata.httpStatusCode, 200);
    assert.equal((await bounded(stringCondition('x'.repeat(4096)))).$metadata.httpStatusCode, 200);
    const fiftyTags = {
      AttributeFilter: {
        OrConditions: [
          { TagConditions: Array.from({ length: 25 }, (_, i) => ({ TagKey: `k${i}` })) },
          { TagConditions: Array.from({ length: 25 }, (_, i) => ({ TagKey: `j${i}` })) },
        ],
      },
    };
    assert.equal((await search({ SearchFilter: fiftyTags })).$metadata.httpStatusCode, 200);

    const refusals: [string, () => Promise<unknown>][] = [
      ['more than 50 conditions', () => bounded({ AndConditions: [...fifty.AndConditions, stringCondition()] })],
      ['more than 8 levels', () => bounded({ AndConditions: [eight] })],
      ['at most 20 entries', () => bounded({ OrConditions: Array.from({ length: 21 }, () => stringCondition()) })],
      ['at most 4096 characters', () => bounded(stringCondition('x'.repeat(4097)))],
      [
        'more than 50 tag conditions',
        () => search({ SearchFilter: { AttributeFilter: { ...fiftyTags.AttributeFilter, TagCondition: { TagKey: 'one-more' } } } }),
      ],
    ];
    for (const [bound, request] of refusals) {
      const error = await failure(request());
      assert.equal(error.name, 'InvalidParameterException', bound);
      assert.match(error.message, new RegExp(bound), bound);
    }
  });

  it('refuses a million empty conditions at its first bound, before anything walks them', async (t) => {
    const started = performance.now();
    const error = await failure(bounded({ AndConditions: Array.from({ length: 1_200_000 }, () => ({})) }));
    t.diagnostic(
      `SearchViews with 1,200,000 conditions refused in ${Math.round(performance.now() - started)} ms (client and server together)`,
    );
    assert.equal(error.name, 'InvalidParameterException');
  });

  it('a page ends when its matching work reaches the budget, however costly the conditions', async (t) => {
    const instance = randomUUID();
    for (let i = 0; i < 120; i++)
      await createView(ctx.client, instance, {
        name: `long-${String(i).padStart(3, '0')}`,
        status: 'SAVED',
        description: 'a'.repeat(4096),
      });
    // 42 conditions, all evaluated (none matches), that nearly match every 4,096-character description.
    const nearly = stringConditionOn('description', `${'a'.repeat(1000)}b${'a'.repeat(1000)}`);
    const costly = { OrConditions: Array.from({ length: 7 }, () => ({ OrConditions: Array.from({ length: 6 }, () => nearly) })) };
    let token: string | undefined;
    let pages = 0;
    do {
      const started = performance.now();
      const page = await search({ SearchCriteria: costly as never, ...(token ? { NextToken: token } : {}) }, instance);
      t.diagnostic(`page ${pages + 1}: ${Math.round(performance.now() - started)} ms`);
      assert.deepEqual(page.Views, []);
      token = page.NextToken;
      pages++;
    } while (token);
    assert.ok(pages >= 2, `the 120 views took ${pages} pages`);
  });

  it('ApproximateTotalCount approximates all matches on every page, the first included, and is exact on the last', async () => {
    const instance = randomUUID();
    // 300 views: the first 100 match, then one in four (150 in all). A first page full after its
    // first 100 views could only guess the rest from them (a rate of 1 would say 300).
    for (let i = 0; i < 300; i++)
      await createView(ctx.client, instance, {
        name: `v${String(i).padStart(3, '0')}-${i < 100 || i % 4 === 0 ? 'match' : 'other'}`,
        status: 'SAVED',
      });
    const counts: number[] = [];
    let matches = 0;
    for await (const page of paginateSearchViews(
      { client: ctx.client, pageSize: 100 },
      { InstanceId: instance, SearchCriteria: stringCondition('match') },
    )) {
      counts.push(page.ApproximateTotalCount!);
      matches += page.Views!.length;
    }
    assert.equal(matches, 150);
    assert.ok(counts.length >= 2, 'more than one page');
    // The 300 views fit the first page's read budget: it counts them all, and later pages keep its count.
    assert.deepEqual(
      counts,
      counts.map(() => 150),
      `every page says 150: ${counts.join(', ')}`,
    );
  });

  it('ApproximateTotalCount estimates from the view count when the listing outgrows a page’s reads; exact on the last page', async () => {
    const instance = randomUUID();
    // 1,200 views whose 4,000-character descriptions make about 250 listing items per 1 MB query
    // page: more than one page's SEARCH_MAX_QUERIES queries can read.
    await seedListings(
      instance,
      Array.from({ length: 1200 }, (_, i) => `v${String(i).padStart(4, '0')}-${i % 3 === 0 ? 'match' : 'other'}`),
      'd'.repeat(4000),
    );

    const counts: number[] = [];
    const queries: number[] = [];
    let matches = 0;
    let token: string | undefined;
    do {
      const calls = await dynamo.count(async () => {
        const page = await search({ SearchCriteria: stringCondition('match'), ...(token ? { NextToken: token } : {}) }, instance);
        counts.push(page.ApproximateTotalCount!);
        matches += page.Views!.length;
        token = page.NextToken;
      });
      queries.push(calls['QueryCommand'] ?? 0);
    } while (token);
    assert.equal(matches, 400);
    assert.ok(Math.max(...queries) <= SEARCH_MAX_QUERIES, `at most ${SEARCH_MAX_QUERIES} listing queries a page: ${queries.join(', ')}`);
    assert.ok(Math.abs(counts[0]! - 400) <= 40, `the first page, which cannot read the whole listing, estimates 400: ${counts.join(', ')}`);
    assert.equal(counts.at(-1), 400, 'exact on the last page');
    // Every page in between estimates from what all the pages before it read, not from its own reads alone.
    const tolerance = 40;
    assert.ok(
      counts.every((count) => Math.abs(count - 400) <= tolerance),
      `every page within ${tolerance} of 400: ${counts.join(', ')}`,
    );

    // A long walk of small pages: each page reads little, so the estimate rests on the earlier pages' reads.
    const small: number[] = [];
    let found = 0;
    token = undefined;
    do {
      const page = await search(
        { SearchCriteria: stringCondition('match'), MaxResults: 20, ...(token ? { NextToken: token } : {}) },
        instance,
      );
      small.push(page.ApproximateTotalCount!);
      found += page.Views!.length;
      token = page.NextToken;
    } while (token);
    assert.equal(found, 400);
    assert.ok(small.length >= 20, `a long walk: ${small.length} pages`);
    assert.ok(
      small.every((count) => Math.abs(count - 400) <= tolerance),
      `every one of ${small.length} pages of 20 within ${tolerance} of 400: ${small.join(', ')}`,
    );
    assert.equal(small.at(-1), 400, 'exact on the last page');
  });

  it('the first page counts on after it is full, across query pages, to an exact ApproximateTotalCount', async () => {
    const instance = randomUUID();
    // 600 views over about three 1 MB query pages: the first 100 match, then one in ten (150 in
    // all). The first page is full within its first query; counting on through the others makes
    // its count exact, where the first query alone would suggest about 276.
    await seedListings(
      instance,
      Array.from({ length: 600 }, (_, i) => `v${String(i).padStart(4, '0')}-${i < 100 || i % 10 === 0 ? 'match' : 'other'}`),
      'd'.repeat(4000),
    );
    let first: { count: number; views: number } | undefined;
    const calls = await dynamo.count(async () => {
      const page = await search({ SearchCriteria: stringCondition('match') }, instance);
      first = { count: page.ApproximateTotalCount!, views: page.Views!.length };
    });
    assert.equal(first!.views, 100);
    assert.ok(
      (calls['QueryCommand'] ?? 0) >= 2 && (calls['QueryCommand'] ?? 0) <= SEARCH_MAX_QUERIES,
      `the listing took ${calls['QueryCommand']} queries`,
    );
    assert.equal(first!.count, 150);
  });

  it('counting after a full page spends the same work budget as filling it', async () => {
    const instance = randomUUID();
    // 1,000 views of 4,096-character descriptions (about four query pages). The first view fills a
    // page of one; 36 conditions that nearly match every description then make counting the rest
    // costly: the page must stop counting at the work budget, long before the listing's end.
    await seedListings(
      instance,
      Array.from({ length: 1000 }, (_, i) => `long-${String(i).padStart(4, '0')}`),
      'a'.repeat(4096),
    );
    const nearly = stringConditionOn('description', `${'a'.repeat(1000)}b${'a'.repeat(1000)}`);
    const criteria = {
      OrConditions: [
        { StringCondition: { FieldName: 'name', Value: 'long-0000', ComparisonType: 'EXACT' } },
        { OrConditions: Array.from({ length: 6 }, () => ({ OrConditions: Array.from({ length: 6 }, () => nearly) })) },
      ],
    };
    let views: string[] = [];
    const calls = await dynamo.count(async () => {
      const page = await search({ SearchCriteria: criteria as never, MaxResults: 1 }, instance);
      views = page.Views!.map((view) => view.Name!);
    });
    assert.deepEqual(views, ['long-0000']);
    // The budget runs out within about 75 of these views; counting on unmetered would take all 4 queries.
    assert.ok((calls['QueryCommand'] ?? 0) <= 2, `${calls['QueryCommand']} queries: the budget must end the count within the first two`);
  });

  it('a page stops before its response could outgrow what Lambda may return', async () => {
    const instance = randomUUID();
    // Tag values may hold control characters, which JSON escapes to six bytes, and Lambda's JSON
    // escapes again: 100 such views (one default page) would take about 9 MB.
    const tags = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`key${i}`, '\u0001'.repeat(256)]));
    for (let i = 0; i < 100; i++) await createView(ctx.client, instance, { name: `big-${i}`, status: 'SAVED', tags });
    let token: string | undefined;
    let seen = 0;
    let pages = 0;
    do {
      const response = await send(ctx.service, {
        method: 'POST',
        path: '/search-views',
        body: JSON.stringify({ InstanceId: instance, ...(token ? { NextToken: token } : {}) }),
      });
      assert.equal(response.status, 200);
      assert.ok(
        responseBytes(response.json) < LAMBDA_RESPONSE_LIMIT,
        `page ${pages + 1}: ${responseBytes(response.json)} bytes as Lambda returns it`,
      );
      seen += (response.json!['Views'] as unknown[]).length;
      token = response.json!['NextToken'] as string | undefined;
      pages++;
    } while (token);
    assert.equal(seen, 100);
    assert.ok(pages > 1, 'the 100 views did not fit one page');
  });
});
