import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { before, describe, it } from 'node:test';
import {
  DeleteViewCommand,
  SearchViewsCommand,
  TagResourceCommand,
  UpdateViewContentCommand,
  UpdateViewMetadataCommand,
  type SearchViewsCommandInput,
  type View,
} from '@aws-sdk/client-connect';
import { InstrumentedDynamo } from '../support/instrumented-dynamo.ts';
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
    assert.deepEqual(await names({ SearchCriteria: { StringCondition: { FieldName: 'name', Value: 'CUSTOMER', ComparisonType: 'CONTAINS' } } }), [
      'Customer Form',
      'customer survey',
    ]);
    assert.deepEqual(await names({ SearchCriteria: { StringCondition: { FieldName: 'name', Value: 're', ComparisonType: 'STARTS_WITH' } } }), ['Refund', 'Returns Desk']);
    assert.deepEqual(await names({ SearchCriteria: { StringCondition: { FieldName: 'name', Value: 'refund', ComparisonType: 'EXACT' } } }), []);
    assert.deepEqual(await names({ SearchCriteria: { StringCondition: { FieldName: 'name', Value: 'Refund', ComparisonType: 'EXACT' } } }), ['Refund']);
    assert.deepEqual(await names({ SearchCriteria: { StringCondition: { FieldName: 'description', Value: 'customer', ComparisonType: 'CONTAINS' } } }), [
      'Customer Form',
      'Returns Desk',
    ]);
  });

  it('combines And and Or conditions with status and type conditions', async () => {
    const published = await names({ SearchCriteria: { ViewStatusCondition: 'PUBLISHED' } });
    assert.deepEqual(published, ['Customer Form', 'Order Lookup', 'Returns Desk']);
    const either = await names({
      SearchCriteria: {
        OrConditions: [
          { StringCondition: { FieldName: 'name', Value: 'order', ComparisonType: 'CONTAINS' } },
          { AndConditions: [{ ViewStatusCondition: 'SAVED' }, { StringCondition: { FieldName: 'name', Value: 'ref', ComparisonType: 'STARTS_WITH' } }] },
        ],
      },
    });
    assert.deepEqual(either, ['Order Lookup', 'Refund']);
    assert.equal((await names({ SearchCriteria: { ViewTypeCondition: 'CUSTOMER_MANAGED' } })).length, 5);
    assert.deepEqual(await names({ SearchCriteria: { ViewTypeCondition: 'AWS_MANAGED' } }), []);
  });

  it('filters on tags: a key with a value, a key alone, all of an AndCondition, any of OrConditions', async () => {
    assert.deepEqual(await names({ SearchFilter: { AttributeFilter: { TagCondition: { TagKey: 'team', TagValue: 'care' } } } }), ['Customer Form', 'customer survey']);
    assert.deepEqual(await names({ SearchFilter: { AttributeFilter: { TagCondition: { TagKey: 'tier' } } } }), ['Customer Form', 'Returns Desk']);
    assert.deepEqual(
      await names({ SearchFilter: { AttributeFilter: { AndCondition: { TagConditions: [{ TagKey: 'team', TagValue: 'care' }, { TagKey: 'tier', TagValue: 'gold' }] } } } }),
      ['Customer Form'],
    );
    assert.deepEqual(
      await names({
        SearchFilter: { AttributeFilter: { OrConditions: [{ TagConditions: [{ TagKey: 'team', TagValue: 'sales' }] }, { TagConditions: [{ TagKey: 'tier', TagValue: 'gold' }] }] } },
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
    assert.equal(first.ApproximateTotalCount, 2);

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
    await ctx.client.send(new UpdateViewMetadataCommand({ InstanceId: instance, ViewId: view.Id, Name: 'After', Description: 'renamed view' }));
    await ctx.client.send(new TagResourceCommand({ resourceArn: view.Arn, tags: { stage: 'beta' } }));
    await ctx.client.send(new UpdateViewContentCommand({ InstanceId: instance, ViewId: view.Id, Status: 'PUBLISHED', Content: { Template: '{}' } }));
    const found = await search(
      {
        SearchCriteria: { AndConditions: [{ StringCondition: { FieldName: 'description', Value: 'renamed', ComparisonType: 'CONTAINS' } }, { ViewStatusCondition: 'PUBLISHED' }] },
        SearchFilter: { AttributeFilter: { TagCondition: { TagKey: 'stage', TagValue: 'beta' } } },
      },
      instance,
    );
    assert.deepEqual(found.Views!.map((v) => v.Name), ['After']);
    await ctx.client.send(new DeleteViewCommand({ InstanceId: instance, ViewId: view.Id }));
    assert.deepEqual((await search({}, instance)).Views, []);
  });

  it('validates the request: instance id form, field names, missing parts, nesting depth', async () => {
    const cases: [string, () => Promise<unknown>][] = [
      ['InstanceId', () => search({}, 'not-a-uuid')],
      ['FieldName', () => search({ SearchCriteria: { StringCondition: { FieldName: 'template', Value: 'x', ComparisonType: 'CONTAINS' } } })],
      ['Value', () => search({ SearchCriteria: { StringCondition: { FieldName: 'name', ComparisonType: 'CONTAINS' } } })],
      ['TagKey', () => search({ SearchFilter: { AttributeFilter: { TagCondition: { TagValue: 'v' } } } })],
      ['MaxResults', () => search({ MaxResults: 101 })],
    ];
    for (const [member, request] of cases) {
      const error = await failure(request());
      assert.equal(error.name, 'InvalidParameterException', member);
      assert.match(error.message, new RegExp(member));
    }
    let deep: Record<string, unknown> = { ViewStatusCondition: 'SAVED' };
    for (let i = 0; i < 40; i++) deep = { AndConditions: [deep] };
    const tooDeep = await failure(search({ SearchCriteria: deep as never }));
    assert.equal(tooDeep.name, 'InvalidParameterException');
    assert.match(tooDeep.message, /nests more than/);
    const arn = await search({}, `arn:aws:connect:us-east-1:000000000000:instance/${instanceId}`);
    assert.equal(arn.Views!.length, 5, 'an instance ARN names the same instance');
  });

  it('costs at most 4 DynamoDB queries per call, however selective the search', async () => {
    const counts = await dynamo.count(() => search({ SearchCriteria: { StringCondition: { FieldName: 'name', Value: 'nothing matches this', ComparisonType: 'CONTAINS' } } }));
    assert.deepEqual(counts, { QueryCommand: 1 });
  });
});
