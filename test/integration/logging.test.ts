import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { CreateViewVersionCommand, DescribeViewCommand, type ConnectClient } from '@aws-sdk/client-connect';
import type { LocalService } from '../../emulator/service.ts';
import { InstrumentedDynamo } from '../support/instrumented-dynamo.ts';
import { createView, failure } from '../support/fixtures.ts';
import { captureLogLines, type LogCapture } from '../support/log-capture.ts';
import { connectClient, dynamoEndpoint, newInstanceId, startTestService } from '../support/service.ts';

let service: LocalService;
let client: ConnectClient;
let dynamo: InstrumentedDynamo;
let capture: LogCapture;
let lines: Record<string, unknown>[];
let emf: Record<string, unknown>[];

before(async () => {
  capture = captureLogLines();
  ({ lines, emf } = capture);
  dynamo = new InstrumentedDynamo(dynamoEndpoint());
  service = await startTestService({
    documentClient: dynamo.client,
    logger: new Logger({ serviceName: 'views-test', logLevel: 'INFO' }),
    metrics: new Metrics({ serviceName: 'views-test', namespace: 'ConnectViewsTest' }),
  });
  client = connectClient(service, { maxAttempts: 1 });
});
after(async () => {
  capture.stop();
  client.destroy();
  await service.close();
});

describe('request logging', () => {
  it('writes one structured line per request, without names or content', async () => {
    const instanceId = newInstanceId();
    const secretName = 'Confidential Name 1234';
    const secretTemplate = JSON.stringify({ Secret: 'template-body-marker', Ref: '$.x' });
    lines.length = 0;
    const view = await createView(client, instanceId, { name: secretName, template: secretTemplate });
    await client.send(new CreateViewVersionCommand({ InstanceId: instanceId, ViewId: view.Id }));
    await failure(client.send(new DescribeViewCommand({ InstanceId: instanceId, ViewId: `${view.Id}:9` })));

    const requests = lines.filter((line) => line['message'] === 'request');
    assert.equal(requests.length, 3, 'one line per request');
    assert.deepEqual(
      requests.map((line) => line['operation']),
      ['CreateView', 'CreateViewVersion', 'DescribeView'],
    );
    assert.deepEqual(
      requests.map((line) => line['outcome']),
      ['success', 'success', 'ResourceNotFoundException'],
    );
    assert.deepEqual(
      requests.map((line) => line['statusCode']),
      [200, 200, 404],
    );
    for (const line of requests) {
      assert.equal(line['instanceId'], instanceId);
      assert.equal(typeof line['latencyMs'], 'number');
      assert.equal(typeof line['requestId'], 'string');
      assert.equal(line['service'], 'views-test');
      assert.equal(line['level'], 'INFO');
    }
    assert.equal(requests[1]!['viewId'], view.Id);
    const everything = JSON.stringify(lines);
    assert.ok(!everything.includes(secretName), 'names are never logged');
    assert.ok(!everything.includes('template-body-marker'), 'content is never logged');
  });

  it('logs a fault at ERROR with the request id the caller was given', async () => {
    const instanceId = newInstanceId();
    const view = await createView(client, instanceId);
    lines.length = 0;
    dynamo.inject({ kind: 'internal', commands: ['QueryCommand'] });
    const error = await failure(client.send(new DescribeViewCommand({ InstanceId: instanceId, ViewId: view.Id })));
    dynamo.clear();
    const requestId = error.$metadata.requestId;
    const failed = lines.filter((line) => line['level'] === 'ERROR');
    assert.ok(
      failed.some(
        (line) =>
          line['message'] === 'unexpected failure' &&
          line['requestId'] === requestId &&
          JSON.stringify(line).includes('InternalServerError'),
      ),
    );
    assert.ok(failed.some((line) => line['message'] === 'request failed' && line['requestId'] === requestId && line['statusCode'] === 500));
  });

  it('publishes a metric (EMF) only for a business event, with no per-operation dimension: each series is billed', async () => {
    const instanceId = newInstanceId();
    const view = await createView(client, instanceId);
    emf.length = 0;
    await client.send(new CreateViewVersionCommand({ InstanceId: instanceId, ViewId: view.Id }));
    await failure(
      client.send(new CreateViewVersionCommand({ InstanceId: instanceId, ViewId: view.Id, ViewContentSha256: '0'.repeat(64) })),
    );
    await client.send(new DescribeViewCommand({ InstanceId: instanceId, ViewId: view.Id }));
    dynamo.inject({ kind: 'internal', commands: ['QueryCommand'] });
    await failure(client.send(new DescribeViewCommand({ InstanceId: instanceId, ViewId: view.Id })));
    dynamo.clear();

    assert.equal(emf.length, 2, 'a published version and a stale sha; nothing for a read or a fault');
    const [published, stale] = emf as Record<string, unknown>[];
    for (const document of [published, stale]) {
      const directive = (document!['_aws'] as { CloudWatchMetrics: { Namespace: string; Dimensions: string[][] }[] }).CloudWatchMetrics[0]!;
      assert.equal(directive.Namespace, 'ConnectViewsTest');
      assert.deepEqual(directive.Dimensions, [['service']]);
      assert.equal(document!['service'], 'views-test');
    }
    assert.equal(published!['VersionsPublished'], 1);
    assert.equal(stale!['StaleShaRejections'], 1);
    assert.equal(stale!['VersionsPublished'], undefined);
  });
});
