import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CreateViewVersionCommand, DescribeViewCommand, UpdateViewContentCommand, type ConnectClient } from '@aws-sdk/client-connect';
import { startDynamoDbLocal, type DynamoDbLocal } from '../../emulator/dynamodb-local/launcher.ts';
import type { LocalService } from '../../emulator/service.ts';
import { createView, failure, template } from '../support/fixtures.ts';
import { connectClient, newInstanceId, startTestService } from '../support/service.ts';

/** DynamoDB Local stopped mid-run (its data on disk), then started again on the same port. */
const dataDir = mkdtempSync(join(tmpdir(), 'views-outage-'));
let dynamo: DynamoDbLocal;
let service: LocalService;
let client: ConnectClient;

before(async () => {
  dynamo = await startDynamoDbLocal({ dbPath: dataDir });
  service = await startTestService({ dynamoEndpoint: dynamo.endpoint });
  client = connectClient(service, { maxAttempts: 1 });
});
after(async () => {
  client.destroy();
  await service.close();
  await dynamo.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('DynamoDB outage', () => {
  it('answers 5xx while DynamoDB is down and works again, data intact, when it is back', async () => {
    const instanceId = newInstanceId();
    const view = await createView(client, instanceId, { template: template('before') });
    await client.send(new CreateViewVersionCommand({ InstanceId: instanceId, ViewId: view.Id }));

    const port = dynamo.port;
    await dynamo.stop();
    const down = [
      () => client.send(new DescribeViewCommand({ InstanceId: instanceId, ViewId: view.Id })),
      () =>
        client.send(
          new UpdateViewContentCommand({
            InstanceId: instanceId,
            ViewId: view.Id,
            Status: 'PUBLISHED',
            Content: { Template: template('during') },
          }),
        ),
      () => client.send(new CreateViewVersionCommand({ InstanceId: instanceId, ViewId: view.Id })),
    ];
    for (const request of down) {
      const error = await failure(request());
      assert.equal(error.name, 'InternalServiceException');
      assert.equal(error.$metadata.httpStatusCode, 500);
    }

    dynamo = await startDynamoDbLocal({ dbPath: dataDir, port });
    const { View } = await client.send(new DescribeViewCommand({ InstanceId: instanceId, ViewId: `${view.Id}:1` }));
    assert.equal(View!.Content!.Template, template('before'));
    const latest = await client.send(new DescribeViewCommand({ InstanceId: instanceId, ViewId: view.Id }));
    assert.equal(latest.View!.Content!.Template, template('before'), 'the write attempted during the outage left nothing');
    await client.send(
      new UpdateViewContentCommand({
        InstanceId: instanceId,
        ViewId: view.Id,
        Status: 'PUBLISHED',
        Content: { Template: template('after') },
      }),
    );
    const next = await client.send(new CreateViewVersionCommand({ InstanceId: instanceId, ViewId: view.Id }));
    assert.equal(next.View!.Version, 2);
  });
});
