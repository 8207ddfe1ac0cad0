import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CreateViewCommand,
  CreateViewVersionCommand,
  DescribeViewCommand,
  ListViewsCommand,
  TagResourceCommand,
  UpdateViewContentCommand,
} from '@aws-sdk/client-connect';
import { MAX_BODY_BYTES } from '#http/request.ts';
import { createView, failure, uniqueName } from '../support/fixtures.ts';
import { assertGatewayErrorType } from '../support/gateway-answers.ts';
import { newInstanceId, useTestService } from '../support/service.ts';
import { send, type RawResponse } from '../support/signed-http.ts';

const ctx = useTestService();

function assertModeledError(response: RawResponse, status: number, errorType: string, message?: RegExp) {
  assert.equal(response.status, status, response.text);
  assert.equal(response.headers.get('x-amzn-errortype'), errorType);
  assert.match(response.headers.get('content-type') ?? '', /application\/json/);
  assert.ok(response.headers.get('x-amzn-requestid'));
  assert.equal(typeof response.json?.['Message'], 'string', 'body carries {"Message"}');
  if (message) assert.match(String(response.json!['Message']), message);
}

describe('restJson1 on the wire', () => {
  it('answers success with 200, JSON, a request id and epoch-second numbers', async () => {
    const instanceId = newInstanceId();
    const response = await send(ctx.service, {
      method: 'PUT',
      path: `/views/${instanceId}`,
      body: JSON.stringify({ Name: uniqueName(), Status: 'PUBLISHED', Content: { Template: '{}', Actions: [] } }),
    });
    assert.equal(response.status, 200, response.text);
    assert.match(response.headers.get('content-type')!, /application\/json/);
    assert.ok(response.headers.get('x-amzn-requestid'));
    const view = response.json!['View'] as Record<string, unknown>;
    assert.equal(typeof view['CreatedTime'], 'number');
    assert.ok(Math.abs((view['CreatedTime'] as number) * 1000 - Date.now()) < 60_000);
    assert.equal('Version' in view, false, 'absent members are omitted, not null');
    assert.equal('Description' in view, false);
  });

  it('refuses a body that is not JSON, or not an object, as InvalidRequestException', async () => {
    const instanceId = newInstanceId();
    for (const body of ['{"Name":', 'not json', '[1,2]', '"string"', 'null']) {
      const response = await send(ctx.service, { method: 'PUT', path: `/views/${instanceId}`, body });
      assertModeledError(response, 400, 'InvalidRequestException', /JSON/);
    }
  });

  it('refuses unknown routes and wrong methods as InvalidRequestException', async () => {
    assertModeledError(await send(ctx.service, { method: 'GET', path: '/nothing/here' }), 400, 'InvalidRequestException', /No operation/);
    assertModeledError(await send(ctx.service, { method: 'GET', path: '/views/i/v/bogus' }), 400, 'InvalidRequestException');
    assertModeledError(
      await send(ctx.service, { method: 'PATCH', path: '/views/i/v' }),
      400,
      'InvalidRequestException',
      /supports GET, POST, DELETE/,
    );
  });

  it('refuses empty path labels as InvalidParameterException naming the member', async () => {
    assertModeledError(
      await send(ctx.service, { method: 'GET', path: '/views//some-view' }),
      400,
      'InvalidParameterException',
      /InstanceId/,
    );
    assertModeledError(await send(ctx.service, { method: 'GET', path: '/views/i/' }), 400, 'InvalidParameterException', /ViewId/);
    assertModeledError(
      await send(ctx.service, { method: 'DELETE', path: '/views/i/v/versions/' }),
      400,
      'InvalidParameterException',
      /ViewVersion/,
    );
    assertModeledError(
      await send(ctx.service, { method: 'DELETE', path: '/views/i/v/versions/abc' }),
      400,
      'InvalidParameterException',
      /ViewVersion/,
    );
    assertModeledError(await send(ctx.service, { method: 'GET', path: '/tags/' }), 400, 'InvalidParameterException', /resourceArn/);
  });

  it('validates query members', async () => {
    for (const [maxResults, pattern] of [
      ['abc', /must be a number/],
      ['0', /at least 1/],
      ['1000', /at most 100/],
      ['2.5', /must be a number/],
    ] as const) {
      const response = await send(ctx.service, { method: 'GET', path: '/views/i', query: { maxResults } });
      assertModeledError(response, 400, 'InvalidParameterException', pattern);
    }
    assertModeledError(
      await send(ctx.service, { method: 'GET', path: '/views/i', query: { type: 'MINE' } }),
      400,
      'InvalidParameterException',
      /Type/,
    );
    assertModeledError(
      await send(ctx.service, { method: 'GET', path: '/views/i', query: { nextToken: 'has spaces' } }),
      400,
      'InvalidParameterException',
      /NextToken/,
    );
  });

  it('refuses a body over the service limit with a 4xx, and the gateway refuses what Lambda could not take', async () => {
    const instanceId = newInstanceId();
    const big = (bytes: number) => JSON.stringify({ Name: 'x', Status: 'SAVED', Content: { Template: 'x'.repeat(bytes) } });
    assertModeledError(
      await send(ctx.service, { method: 'PUT', path: `/views/${instanceId}`, body: big(MAX_BODY_BYTES + 10) }),
      400,
      'InvalidRequestException',
      /limit/,
    );
    const lambdaTooBig = await send(ctx.service, { method: 'PUT', path: `/views/${instanceId}`, body: big(7 * 1024 * 1024) });
    assert.equal(lambdaTooBig.status, 413);
    assertGatewayErrorType(lambdaTooBig);
    const gatewayTooBig = await send(ctx.service, { method: 'PUT', path: `/views/${instanceId}`, body: big(11 * 1024 * 1024) });
    assert.equal(gatewayTooBig.status, 413);
    assert.deepEqual((await ctx.client.send(new ListViewsCommand({ InstanceId: instanceId }))).ViewsSummaryList, []);
  });

  it('refuses invalid percent-encoding in the path at the gateway', async () => {
    const response = await send(ctx.service, { method: 'GET', path: '/views/%zz/x' });
    assert.equal(response.status, 400);
    assertGatewayErrorType(response);
  });
});

describe('validation through the official SDK (which validates nothing itself)', () => {
  it('wrong enums, missing members, out-of-range MaxResults and empty tag maps are InvalidParameterException', async () => {
    const instanceId = newInstanceId();
    const view = await createView(ctx.client, instanceId);
    const cases: [string, () => Promise<unknown>][] = [
      [
        'Status',
        () => ctx.client.send(new CreateViewCommand({ InstanceId: instanceId, Name: 'n', Status: 'DRAFT' as never, Content: {} })),
      ],
      ['Name', () => ctx.client.send(new CreateViewCommand({ InstanceId: instanceId, Status: 'SAVED', Content: {} } as never))],
      [
        'Content',
        () => ctx.client.send(new UpdateViewContentCommand({ InstanceId: instanceId, ViewId: view.Id, Status: 'SAVED' } as never)),
      ],
      ['MaxResults', () => ctx.client.send(new ListViewsCommand({ InstanceId: instanceId, MaxResults: 1000 }))],
      ['tags', () => ctx.client.send(new TagResourceCommand({ resourceArn: view.Arn, tags: {} }))],
      [
        'ViewContentSha256',
        () => ctx.client.send(new CreateViewVersionCommand({ InstanceId: instanceId, ViewId: view.Id, ViewContentSha256: 'x'.repeat(65) })),
      ],
      [
        'Description',
        () => ctx.client.send(new CreateViewCommand({ InstanceId: instanceId, Name: 'n', Status: 'SAVED', Content: {}, Description: '' })),
      ],
      [
        'ClientToken',
        () =>
          ctx.client.send(
            new CreateViewCommand({ InstanceId: instanceId, Name: 'n', Status: 'SAVED', Content: {}, ClientToken: 'x'.repeat(501) }),
          ),
      ],
    ];
    for (const [member, request] of cases) {
      const error = await failure(request());
      assert.equal(error.name, 'InvalidParameterException', member);
      assert.equal(error.$metadata.httpStatusCode, 400);
      assert.match(error.message, new RegExp(member), member);
    }
    assert.equal(
      (await ctx.client.send(new ListViewsCommand({ InstanceId: instanceId }))).ViewsSummaryList!.length,
      1,
      'nothing was written',
    );
  });
});

describe('content size', () => {
  it('400 kB of template works through create, describe, publish and versions', async () => {
    const instanceId = newInstanceId();
    // Random-looking text defeats compression, so the stored content really spans several chunks.
    const noise = Array.from({ length: 400_000 / 20 }, (_, i) => ((i * 2654435761) >>> 0).toString(36).padStart(20, 'z')).join('');
    const bigTemplate = JSON.stringify({ Body: noise.slice(0, 400_000 - 20), Ref: '$.Big' });
    assert.ok(Buffer.byteLength(bigTemplate) >= 400_000);

    const view = await createView(ctx.client, instanceId, { template: bigTemplate });
    const version = (await ctx.client.send(new CreateViewVersionCommand({ InstanceId: instanceId, ViewId: view.Id }))).View!;
    assert.equal(version.Content!.Template, bigTemplate);
    for (const viewId of [view.Id!, `${view.Id}:$SAVED`, `${view.Id}:1`]) {
      const { View } = await ctx.client.send(new DescribeViewCommand({ InstanceId: instanceId, ViewId: viewId }));
      assert.equal(View!.Content!.Template, bigTemplate, viewId);
      assert.equal(View!.Content!.InputSchema, '{"type":"object","properties":{"Big":{}}}');
    }
    await ctx.client.send(
      new UpdateViewContentCommand({
        InstanceId: instanceId,
        ViewId: view.Id,
        Status: 'SAVED',
        Content: { Template: bigTemplate.replace('$.Big', '$.Other') },
      }),
    );
    const saved = await ctx.client.send(new DescribeViewCommand({ InstanceId: instanceId, ViewId: `${view.Id}:$SAVED` }));
    assert.match(saved.View!.Content!.Template!, /\$\.Other/);
  });

  it('content over 400 KiB is a clear InvalidParameterException and writes nothing', async () => {
    const instanceId = newInstanceId();
    const view = await createView(ctx.client, instanceId);
    const error = await failure(
      ctx.client.send(
        new UpdateViewContentCommand({
          InstanceId: instanceId,
          ViewId: view.Id,
          Status: 'SAVED',
          Content: { Template: 'x'.repeat(409_601) },
        }),
      ),
    );
    assert.equal(error.name, 'InvalidParameterException');
    assert.match(error.message, /409600 bytes/);
    const { View } = await ctx.client.send(new DescribeViewCommand({ InstanceId: instanceId, ViewId: `${view.Id}:$SAVED` }));
    assert.equal(View!.ViewContentSha256, view.ViewContentSha256);
  });
});
