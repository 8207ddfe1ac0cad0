import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CreateViewCommand,
  CreateViewVersionCommand,
  ListTagsForResourceCommand,
  SearchViewsCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-connect';
import { randomUUID } from 'node:crypto';
import { LAMBDA_RESPONSE_LIMIT, MAX_CONTENT_RESPONSE_BYTES, responseBytes } from '#domain/response-size.ts';
import { deepReferences, largestAcceptedDeepReferences } from '../support/deep-references.ts';
import { createView, failure } from '../support/fixtures.ts';
import { newInstanceId, useTestService } from '../support/service.ts';
import { send } from '../support/signed-http.ts';
import { tableDigest } from '../support/table-snapshot.ts';

const ctx = useTestService();

// Metadata as large as the model allows, in the characters that take the most bytes.
const astral = (length: number) => '\u{1D49C}'.repeat(length); // a letter outside the BMP: 4 bytes of UTF-8, one character
const maxTags = Object.fromEntries(
  Array.from({ length: 50 }, (_, i) => [`${astral(120)}${String(i).padStart(8, '0')}`, '\u0001'.repeat(256)]),
);

describe('every response fits what Lambda may return', () => {
  it('content whose responses would outgrow Lambda’s 6 MB is refused, naming the limit, and nothing is written', async () => {
    const n = largestAcceptedDeepReferences();
    const instanceId = newInstanceId();
    const request = (count: number, name: string) => ({
      method: 'PUT',
      path: `/views/${instanceId}`,
      body: JSON.stringify({
        Name: name,
        Status: 'PUBLISHED',
        Content: { Template: deepReferences(count), Actions: ['Submit'] },
        Description: astral(4096),
        Tags: maxTags,
      }),
    });

    const before = await tableDigest(ctx.service);
    const refused = await send(ctx.service, request(n + 1, 'refused'));
    assert.equal(refused.status, 400);
    assert.equal(refused.headers.get('x-amzn-errortype'), 'InvalidRequestException');
    assert.match(String(refused.json!['Message']), new RegExp(`${MAX_CONTENT_RESPONSE_BYTES} bytes`));
    assert.deepEqual(await tableDigest(ctx.service), before, 'nothing written');

    // At the limit, every operation that returns the content answers, each within Lambda's limit.
    const created = await send(ctx.service, request(n, 'largest'));
    assert.equal(created.status, 200, created.text.slice(0, 200));
    const view = created.json!['View'] as { Id: string; Arn: string };
    const sizes: Record<string, number> = { CreateView: responseBytes(created.json) };
    const responses = {
      CreateViewVersion: await send(ctx.service, {
        method: 'PUT',
        path: `/views/${instanceId}/${view.Id}/versions`,
        body: JSON.stringify({ VersionDescription: astral(4096) }),
      }),
      'DescribeView $LATEST': await send(ctx.service, { method: 'GET', path: `/views/${instanceId}/${view.Id}` }),
      'DescribeView $SAVED': await send(ctx.service, { method: 'GET', path: `/views/${instanceId}/${view.Id}%3A%24SAVED` }),
      'DescribeView :1': await send(ctx.service, { method: 'GET', path: `/views/${instanceId}/${view.Id}%3A1` }),
      UpdateViewContent: await send(ctx.service, {
        method: 'POST',
        path: `/views/${instanceId}/${view.Id}`,
        body: JSON.stringify({ Status: 'PUBLISHED', Content: { Template: deepReferences(n), Actions: ['Submit'] } }),
      }),
    };
    for (const [operation, response] of Object.entries(responses)) {
      assert.equal(response.status, 200, `${operation}: ${response.text.slice(0, 200)}`);
      sizes[operation] = responseBytes(response.json);
    }
    for (const [operation, size] of Object.entries(sizes))
      assert.ok(size < LAMBDA_RESPONSE_LIMIT * 0.8, `${operation}: ${size} bytes, with margin under 6 MB`);
    assert.ok(Math.max(...Object.values(sizes)) > MAX_CONTENT_RESPONSE_BYTES * 0.9, 'the content really was at the limit');
  });
});

describe('caller-chosen keys are data', () => {
  const keys = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__'];
  const tags = () => Object.fromEntries(keys.map((k) => [k, `value of ${k}`]));

  it('tag keys that are object properties elsewhere behave like any other: create, tag, list, search, untag', async () => {
    const instanceId = randomUUID();
    // JSON.parse keeps __proto__ as an ordinary key, as a request body carries it.
    const parsedTags = JSON.parse(JSON.stringify(tags())) as Record<string, string>;
    assert.deepEqual(Object.keys(parsedTags), keys);
    const { View } = await ctx.client.send(
      new CreateViewCommand({ InstanceId: instanceId, Name: 'keys', Status: 'SAVED', Content: { Template: '{}' }, Tags: parsedTags }),
    );
    assert.deepEqual(Object.keys(View!.Tags!).sort(), [...keys].sort());
    const listed = await ctx.client.send(new ListTagsForResourceCommand({ resourceArn: View!.Arn }));
    assert.deepEqual(JSON.stringify(Object.entries(listed.tags!).sort()), JSON.stringify(Object.entries(parsedTags).sort()));

    const found = await ctx.client.send(
      new SearchViewsCommand({
        InstanceId: instanceId,
        SearchFilter: { AttributeFilter: { TagCondition: { TagKey: '__proto__', TagValue: 'value of __proto__' } } },
      }),
    );
    assert.deepEqual(
      found.Views!.map((v) => v.Name),
      ['keys'],
    );
    const none = await ctx.client.send(
      new SearchViewsCommand({ InstanceId: instanceId, SearchFilter: { AttributeFilter: { TagCondition: { TagKey: 'isPrototypeOf' } } } }),
    );
    assert.deepEqual(none.Views, [], 'an inherited property name is not a tag');

    await ctx.client.send(new UntagResourceCommand({ resourceArn: View!.Arn, tagKeys: ['__proto__', 'constructor'] }));
    await ctx.client.send(
      new TagResourceCommand({ resourceArn: View!.Arn, tags: JSON.parse('{"__proto__":"again"}') as Record<string, string> }),
    );
    const after = await ctx.client.send(new ListTagsForResourceCommand({ resourceArn: View!.Arn }));
    assert.deepEqual(Object.keys(after.tags!).sort(), ['__defineGetter__', '__proto__', 'hasOwnProperty', 'toString', 'valueOf']);
    // biome-ignore lint/suspicious/noProto: the caller's tag key `__proto__` is the subject of this test
    assert.equal(after.tags!['__proto__'], 'again');
  });

  it('a version minted from a view with such tags reads back', async () => {
    const instanceId = newInstanceId();
    const view = await createView(ctx.client, instanceId, { tags: JSON.parse(JSON.stringify(tags())) as Record<string, string> });
    const { View } = await ctx.client.send(new CreateViewVersionCommand({ InstanceId: instanceId, ViewId: view.Id }));
    assert.equal(View!.Tags!['constructor'], 'value of constructor');
    const error = await failure(ctx.client.send(new TagResourceCommand({ resourceArn: view.Arn, tags: { 'aws:reserved': 'x' } })));
    assert.equal(error.name, 'InvalidParameterException');
  });
});
