import assert from 'node:assert/strict';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { after, afterEach, before, describe, it } from 'node:test';
import {
  CreateViewCommand,
  CreateViewVersionCommand,
  DescribeViewCommand,
  ListViewsCommand,
  ListViewVersionsCommand,
  TagResourceCommand,
  UpdateViewContentCommand,
  type ConnectClient,
} from '@aws-sdk/client-connect';
import type { LocalService } from '../../emulator/service.ts';
import { AWS_CLIENT_DEFAULTS } from '../../lambda/aws-clients.ts';
import { createDocumentClient } from '#store/client.ts';
import { DynamoIo } from '#store/dynamo-io.ts';
import { StoreFault } from '#store/errors.ts';
import { key } from '#store/keys.ts';
import { InstrumentedDynamo } from '../support/instrumented-dynamo.ts';
import { createView, failure, template, uniqueName } from '../support/fixtures.ts';
import { connectClient, dynamoEndpoint, newInstanceId, startTestService } from '../support/service.ts';

let service: LocalService;
let dynamo: InstrumentedDynamo;
/** Without retries, so each fault is seen as the API answers it. */
let once: ConnectClient;
/** With the SDK's default retries, as users run it. */
let retrying: ConnectClient;

before(async () => {
  dynamo = new InstrumentedDynamo(dynamoEndpoint());
  service = await startTestService({ documentClient: dynamo.client });
  once = connectClient(service, { maxAttempts: 1 });
  retrying = connectClient(service);
});
afterEach(() => dynamo.clear());
after(async () => {
  once.destroy();
  retrying.destroy();
  await service.close();
});

async function versionsOf(instanceId: string, viewId: string) {
  return (await once.send(new ListViewVersionsCommand({ InstanceId: instanceId, ViewId: viewId }))).ViewVersionSummaryList!.map(
    (v) => v.Version,
  );
}

describe('DynamoDB faults', () => {
  it('throttling is TooManyRequestsException (429), ThrottlingException for the tagging operations', async () => {
    const instanceId = newInstanceId();
    const view = await createView(once, instanceId);
    dynamo.inject({ kind: 'throttle' });
    const describe = await failure(once.send(new DescribeViewCommand({ InstanceId: instanceId, ViewId: view.Id })));
    assert.equal(describe.name, 'TooManyRequestsException');
    assert.equal(describe.$metadata.httpStatusCode, 429);
    const tag = await failure(once.send(new TagResourceCommand({ resourceArn: view.Arn, tags: { a: 'b' } })));
    assert.equal(tag.name, 'ThrottlingException');
    assert.equal(tag.$metadata.httpStatusCode, 429);
  });

  it('a DynamoDB server error is InternalServiceException (500) with the request id, and nothing is half-written', async () => {
    const instanceId = newInstanceId();
    const view = await createView(once, instanceId, { template: template('before') });
    dynamo.inject({ kind: 'internal', commands: ['TransactWriteItemsCommand'] });
    const error = await failure(
      once.send(
        new UpdateViewContentCommand({
          InstanceId: instanceId,
          ViewId: view.Id,
          Status: 'PUBLISHED',
          Content: { Template: template('after') },
        }),
      ),
    );
    assert.equal(error.name, 'InternalServiceException');
    assert.equal(error.$metadata.httpStatusCode, 500);
    assert.ok(error.message.includes(error.$metadata.requestId!), 'the message carries the request id');
    dynamo.clear();
    for (const alias of ['$LATEST', '$SAVED']) {
      const { View } = await once.send(new DescribeViewCommand({ InstanceId: instanceId, ViewId: `${view.Id}:${alias}` }));
      assert.equal(View!.Content!.Template, template('before'), alias);
    }

    dynamo.inject({ kind: 'internal', commands: ['TransactWriteItemsCommand'] });
    const name = uniqueName();
    await failure(once.send(new CreateViewCommand({ InstanceId: instanceId, Name: name, Status: 'SAVED', Content: { Template: '{}' } })));
    dynamo.clear();
    const names = (await once.send(new ListViewsCommand({ InstanceId: instanceId }))).ViewsSummaryList!.map((v) => v.Name);
    assert.deepEqual(names, [view.Name], 'the failed CreateView left no view and no name claim');
    await once.send(new CreateViewCommand({ InstanceId: instanceId, Name: name, Status: 'SAVED', Content: { Template: '{}' } }));
  });

  it('a DynamoDB timeout is InternalServiceException and leaves the view as it was', async () => {
    const instanceId = newInstanceId();
    const view = await createView(once, instanceId, { template: template('kept') });
    dynamo.inject({ kind: 'timeout', commands: ['TransactWriteItemsCommand'] });
    const error = await failure(
      once.send(
        new UpdateViewContentCommand({
          InstanceId: instanceId,
          ViewId: view.Id,
          Status: 'PUBLISHED',
          Content: { Template: template('lost') },
        }),
      ),
    );
    assert.equal(error.name, 'InternalServiceException');
    dynamo.inject({ kind: 'timeout', commands: ['QueryCommand'] });
    assert.equal(
      (await failure(once.send(new DescribeViewCommand({ InstanceId: instanceId, ViewId: view.Id })))).name,
      'InternalServiceException',
    );
    dynamo.clear();
    const { View } = await once.send(new DescribeViewCommand({ InstanceId: instanceId, ViewId: view.Id }));
    assert.equal(View!.Content!.Template, template('kept'));
  });

  it('the SDK retries 429 and 500 answers safely: a transient fault heals without the user seeing it', async () => {
    const instanceId = newInstanceId();
    const view = await createView(once, instanceId);
    dynamo.inject({ kind: 'throttle', commands: ['QueryCommand'], times: 1 });
    const published = await retrying.send(new CreateViewVersionCommand({ InstanceId: instanceId, ViewId: view.Id }));
    assert.equal(published.View!.Version, 1);
    dynamo.inject({ kind: 'internal', commands: ['TransactWriteItemsCommand'], times: 1 });
    await retrying.send(
      new UpdateViewContentCommand({ InstanceId: instanceId, ViewId: view.Id, Status: 'PUBLISHED', Content: { Template: template('2') } }),
    );
    dynamo.inject({ kind: 'internal', commands: ['QueryCommand'], times: 1 });
    const second = await retrying.send(new CreateViewVersionCommand({ InstanceId: instanceId, ViewId: view.Id }));
    assert.equal(second.View!.Version, 2);
    assert.deepEqual(await versionsOf(instanceId, view.Id!), [2, 1]);
  });

  it('a response lost after the transaction committed never mints a second version for the same content', async () => {
    const instanceId = newInstanceId();
    const view = await createView(once, instanceId);

    // Lost once: the DynamoDB client retries with the same ClientRequestToken, DynamoDB answers the
    // retry idempotently, and the API call succeeds.
    dynamo.inject({ kind: 'lost-response', commands: ['TransactWriteItemsCommand'], times: 1 });
    const first = await once.send(new CreateViewVersionCommand({ InstanceId: instanceId, ViewId: view.Id }));
    assert.equal(first.View!.Version, 1);
    assert.deepEqual(await versionsOf(instanceId, view.Id!), [1]);

    // Lost on every attempt: the API answers 500, and the user's retry finds the version already there.
    await once.send(
      new UpdateViewContentCommand({ InstanceId: instanceId, ViewId: view.Id, Status: 'PUBLISHED', Content: { Template: template('2') } }),
    );
    dynamo.inject({ kind: 'lost-response', commands: ['TransactWriteItemsCommand'] });
    const lost = await failure(once.send(new CreateViewVersionCommand({ InstanceId: instanceId, ViewId: view.Id })));
    assert.equal(lost.name, 'InternalServiceException');
    dynamo.clear();
    const retried = await retrying.send(new CreateViewVersionCommand({ InstanceId: instanceId, ViewId: view.Id }));
    assert.equal(retried.View!.Version, 2);
    assert.deepEqual(await versionsOf(instanceId, view.Id!), [2, 1]);
  });

  it('transaction conflicts are retried by the service; stale shas are not', async () => {
    const instanceId = newInstanceId();
    const view = await createView(once, instanceId);
    dynamo.inject({ kind: 'conflict', commands: ['TransactWriteItemsCommand'], times: 3 });
    const published = await once.send(new CreateViewVersionCommand({ InstanceId: instanceId, ViewId: view.Id }));
    assert.equal(published.View!.Version, 1);
    assert.deepEqual(await versionsOf(instanceId, view.Id!), [1]);

    dynamo.inject({ kind: 'conflict', commands: ['TransactWriteItemsCommand'] });
    const endless = await failure(
      once.send(new UpdateViewContentCommand({ InstanceId: instanceId, ViewId: view.Id, Status: 'SAVED', Content: { Template: '{}' } })),
    );
    assert.equal(endless.name, 'ResourceInUseException', 'a conflict that never clears is reported, after a bounded number of tries');
  });
});

describe('a DynamoDB that stops answering', () => {
  it('fails the call after the client’s request timeout instead of hanging until the Lambda timeout', async () => {
    // Accepts connections and reads requests, never answers: what a stalled endpoint looks like.
    const sockets = new Set<Socket>();
    const stalled = createServer((socket) => {
      sockets.add(socket);
      socket.resume();
    });
    await new Promise<void>((resolve) => stalled.listen(0, '127.0.0.1', resolve));
    const { port } = stalled.address() as AddressInfo;
    const client = createDocumentClient({
      endpoint: `http://127.0.0.1:${port}`,
      region: 'us-east-1',
      credentials: { accessKeyId: 'stall', secretAccessKey: 'stall' },
      maxAttempts: 1,
    });
    const started = performance.now();
    try {
      await assert.rejects(new DynamoIo(client, 'stalled').get(key('VIEW#i#v', 'HEAD')), StoreFault);
      const seconds = (performance.now() - started) / 1000;
      const { requestTimeout } = AWS_CLIENT_DEFAULTS.requestHandler;
      assert.ok(seconds >= requestTimeout / 1000 - 0.5 && seconds < requestTimeout / 1000 + 3, `failed after ${seconds.toFixed(1)} s`);
    } finally {
      client.destroy();
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => stalled.close(resolve));
    }
  });
});
