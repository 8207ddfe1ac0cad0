import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { before, describe, it } from 'node:test';
import fc from 'fast-check';
import { CreateViewVersionCommand, type View } from '@aws-sdk/client-connect';
import { createView } from '../support/fixtures.ts';
import { newInstanceId, testApiType, useTestService } from '../support/service.ts';
import { send, type RawRequest, type RawResponse } from '../support/signed-http.ts';
import { tableDigest } from '../support/table-snapshot.ts';

/**
 * Hostile input through the local gateway: arbitrary methods, paths, encodings, queries, headers and
 * bodies (huge, deeply nested, wrong types) against every route. No answer may be a 5xx, every 4xx
 * must be a modeled error, and a rejected request must leave the store exactly as it was.
 */
const ctx = useTestService();
const instanceId = newInstanceId();
let view: View;
let cases = 0;
const statuses = new Map<number, number>();

const NUM_RUNS = Number(process.env['FUZZ_RUNS'] ?? 1500);

function checkAnswer(request: RawRequest, response: RawResponse) {
  const where = `${request.method} ${request.path.slice(0, 120)} → ${response.status} ${response.text.slice(0, 200)}`;
  assert.ok(response.status < 500, `no 5xx: ${where}`);
  if (response.status >= 400) {
    // The service names every error it answers; of the gateway's own answers, only a REST API's do.
    if (response.json?.['Message'] !== undefined || testApiType() === 'rest')
      assert.ok(response.headers.get('x-amzn-errortype'), `x-amzn-ErrorType: ${where}`);
    const message = response.json?.['Message'] ?? response.json?.['message'];
    assert.equal(typeof message, 'string', `a Message: ${where}`);
    assert.ok((message as string).length > 0);
  }
}

/** Sends one case; on a 4xx, the table must be unchanged. Returns the digest to compare against next. */
async function attempt(request: RawRequest, digest: string, options: Parameters<typeof send>[2] = {}): Promise<string> {
  cases++;
  const response = await send(ctx.service, request, options);
  statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
  checkAnswer(request, response);
  const after = (await tableDigest(ctx.service)).digest;
  if (response.status >= 400)
    assert.equal(
      after,
      digest,
      `a rejected request changed the store: ${request.method} ${request.path.slice(0, 120)} → ${response.text.slice(0, 200)}`,
    );
  return after;
}

const encoded = (text: string) => encodeURIComponent(text);
const wellFormed = fc.string({ unit: 'binary', maxLength: 40 }).filter((s) => s.isWellFormed());
const rawBytes = fc.uint8Array({ maxLength: 12 }).map((bytes) => [...bytes].map((b) => `%${b.toString(16).padStart(2, '0')}`).join(''));

function labels() {
  const real = () => [instanceId, view.Id!, view.Arn!, `${view.Id}:1`, `${view.Id}:$SAVED`, `${view.Arn}:$LATEST`];
  return fc.oneof(
    fc.constantFrom(...real()).map(encoded),
    fc.constantFrom(...real()),
    wellFormed.map(encoded),
    rawBytes,
    fc.constantFrom(
      '',
      '..',
      '.',
      '%2F',
      '%00',
      'a%2Fb',
      'x'.repeat(600),
      '$LATEST',
      ':',
      'arn:',
      'arn:aws:connect:us-east-1:000000000000:instance/',
    ),
  );
}

function paths() {
  return fc.oneof(
    fc.tuple(labels()).map(([i]) => `/views/${i}`),
    fc.tuple(labels(), labels()).map(([i, v]) => `/views/${i}/${v}`),
    fc
      .tuple(
        labels(),
        labels(),
        fc.constantFrom('metadata', 'versions', 'versions/1', 'versions/0', 'versions/-1', 'versions/99999999999', 'versions/x', 'other'),
      )
      .map(([i, v, s]) => `/views/${i}/${v}/${s}`),
    labels().map((arn) => `/tags/${arn}`),
    fc.constantFrom('/', '/search-views', '/views', '/views/', '/tags', '/tags/', '//', '/views//', `/views/${instanceId}/`),
    fc.webPath().map((p) => (p.startsWith('/') ? p : `/${p}`)),
  );
}

const anyJson = fc.jsonValue({ maxDepth: 4 });
/** Keys that are properties of every JavaScript object: caller-chosen keys must stay data. */
const OBJECT_PROPERTY_KEYS = [
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'valueOf',
  'isPrototypeOf',
  '__defineGetter__',
  'prototype',
];
const tagKey = fc.oneof(fc.string({ maxLength: 140 }), fc.constantFrom(...OBJECT_PROPERTY_KEYS));
/** A JSON object text whose keys may be any of those (JSON.stringify of an object cannot make a `__proto__` key). */
const tagMapJson = fc
  .array(fc.tuple(tagKey, fc.string({ maxLength: 300 })), { maxLength: 55 })
  .map((entries) => `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`);
function bodies() {
  const deep = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
  const content = fc.oneof(
    anyJson,
    fc.record(
      { Template: fc.oneof(fc.string(), anyJson, fc.constant(deep(5000))), Actions: fc.oneof(anyJson, fc.array(fc.string())) },
      { requiredKeys: [] },
    ),
  );
  const shaped = fc.record(
    {
      Name: fc.oneof(fc.string({ maxLength: 300 }), anyJson),
      Status: fc.oneof(fc.constantFrom('SAVED', 'PUBLISHED', 'saved', ''), anyJson),
      Content: content,
      Description: fc.oneof(fc.string(), anyJson),
      ClientToken: fc.oneof(fc.string({ maxLength: 600 }), anyJson),
      Tags: fc.oneof(
        tagMapJson.map((json) => JSON.parse(json) as unknown),
        anyJson,
      ),
      tags: fc.oneof(
        tagMapJson.map((json) => JSON.parse(json) as unknown),
        anyJson,
      ),
      VersionDescription: fc.oneof(fc.string(), anyJson),
      ViewContentSha256: fc.oneof(fc.string({ maxLength: 70 }), anyJson),
      InstanceId: fc.oneof(fc.uuid(), fc.string(), anyJson),
      SearchCriteria: fc.oneof(
        anyJson,
        fc.record(
          {
            StringCondition: fc.record(
              {
                FieldName: fc.oneof(fc.constantFrom('name', 'description', 'NAME'), fc.string()),
                Value: fc.string(),
                ComparisonType: fc.oneof(fc.constantFrom('CONTAINS', 'EXACT', 'STARTS_WITH'), anyJson),
              },
              { requiredKeys: [] },
            ),
            OrConditions: fc.array(anyJson, { maxLength: 3 }),
            ViewStatusCondition: fc.oneof(fc.constantFrom('SAVED', 'PUBLISHED'), anyJson),
          },
          { requiredKeys: [] },
        ),
      ),
      SearchFilter: fc.oneof(
        anyJson,
        tagKey.map((TagKey) => ({ AttributeFilter: { TagCondition: { TagKey } } })),
      ),
      MaxResults: fc.oneof(fc.integer({ min: -5, max: 200 }), anyJson),
    },
    { requiredKeys: [] },
  );
  return fc.oneof(
    { weight: 4, arbitrary: shaped.map((b) => JSON.stringify(b)) },
    { weight: 2, arbitrary: anyJson.map((b) => JSON.stringify(b)) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
    {
      weight: 1,
      arbitrary: fc.constantFrom('', '{', '{"Name":', 'null', '[]', '{"__proto__":{"x":1}}', `{"Content":${deep(100_000)}}`, deep(200_000)),
    },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
}

const headerValue = fc.string({ unit: 'grapheme-ascii', maxLength: 40 }).filter((v) => /^[\x20-\x7e]*$/.test(v));
const headers = fc.dictionary(
  fc.constantFrom(
    'content-type',
    'content-encoding',
    'accept',
    'x-amz-target',
    'x-amzn-trace-id',
    'x-forwarded-for',
    'x-custom',
    'user-agent',
  ),
  headerValue,
  { maxKeys: 3 },
);
const query = fc.dictionary(
  fc.constantFrom('maxResults', 'nextToken', 'type', 'tagKeys', 'x', '', ...OBJECT_PROPERTY_KEYS),
  fc.oneof(
    fc.string({ maxLength: 30 }),
    fc.array(fc.oneof(fc.string({ maxLength: 10 }), fc.constantFrom(...OBJECT_PROPERTY_KEYS)), { maxLength: 3 }),
  ),
  { maxKeys: 3 },
);

describe('fuzzing the gateway and handler', () => {
  before(async () => {
    view = await createView(ctx.client, instanceId, { tags: { team: 'fuzz' } });
    await ctx.client.send(new CreateViewVersionCommand({ InstanceId: instanceId, ViewId: view.Id }));
  });

  it('huge and deeply nested requests are 4xx and change nothing', async () => {
    let digest = (await tableDigest(ctx.service)).digest;
    const deep = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
    const extremes: RawRequest[] = [
      {
        method: 'PUT',
        path: `/views/${instanceId}`,
        body: JSON.stringify({ Name: 'n', Status: 'PUBLISHED', Content: { Template: `{"a":${deep(300_000)}}` } }),
      },
      { method: 'PUT', path: `/views/${instanceId}`, body: `{"Name":"n","Status":"SAVED","Content":${deep(500_000)}}` },
      {
        method: 'POST',
        path: `/views/${instanceId}/${view.Id}`,
        body: JSON.stringify({ Status: 'SAVED', Content: { Template: 'x'.repeat(3_000_000) } }),
      },
      {
        method: 'POST',
        path: `/views/${instanceId}/${view.Id}`,
        body: JSON.stringify({ Status: 'SAVED', Content: { Actions: Array.from({ length: 100_000 }, (_, i) => `a${i}`) } }),
      },
      {
        method: 'POST',
        path: `/views/${instanceId}/${view.Id}`,
        body: JSON.stringify({
          Status: 'PUBLISHED',
          Content: { Template: JSON.stringify({ r: Array.from({ length: 5000 }, () => `$.${'a.'.repeat(40)}z`) }) },
        }),
      },
      { method: 'PUT', path: `/views/${instanceId}`, body: 'x'.repeat(5 * 1024 * 1024) },
      {
        method: 'POST',
        path: `/tags/${encoded(view.Arn!)}`,
        body: JSON.stringify({ tags: Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`k${i}`, 'v'])) }),
      },
      {
        method: 'POST',
        path: '/search-views',
        body: `{"InstanceId":"${randomUUID()}","SearchCriteria":${'{"AndConditions":['.repeat(50_000)}{}${']}'.repeat(50_000)}}`,
      },
    ];
    for (const request of extremes) digest = await attempt(request, digest);
  });

  it(`arbitrary requests to every route never get a 5xx, always a modeled 4xx, and never change the store when rejected`, async () => {
    let digest = (await tableDigest(ctx.service)).digest;
    const methods = fc.constantFrom('GET', 'PUT', 'POST', 'DELETE', 'PATCH', 'OPTIONS');
    await fc.assert(
      fc.asyncProperty(methods, paths(), query, headers, bodies(), fc.nat(19), async (method, path, q, h, body, signing) => {
        const request: RawRequest = { method, path, query: q, headers: h, ...(body !== undefined && method !== 'GET' ? { body } : {}) };
        // Mostly signed (so the request reaches the handler); sometimes unsigned or mis-signed.
        const options =
          signing === 0
            ? { sign: false }
            : signing === 1
              ? { overrides: { secretAccessKey: 'wrong' } }
              : signing === 2
                ? { overrides: { accessKeyId: OBJECT_PROPERTY_KEYS[path.length % OBJECT_PROPERTY_KEYS.length]! } }
                : {};
        digest = await attempt(request, digest, options);
      }),
      { numRuns: NUM_RUNS },
    );
    const histogram = [...statuses.entries()]
      .sort(([a], [b]) => a - b)
      .map(([status, n]) => `${status}×${n}`)
      .join(' ');
    console.log(`# fuzz: ${cases} requests, none answered 5xx (${histogram})`);
  });
});
