import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ConnectClient, CreateViewCommand, DeleteViewCommand } from '@aws-sdk/client-connect';
import { BatchWriteItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { localDynamoClient } from '../../emulator/dynamodb-local/launcher.ts';
import { LocalStartError, startLocalViews } from '../../emulator/index.ts';
import type { EventEnvelope } from '../../lambda/events/outbox.ts';
import { dynamoEndpoint } from '../support/service.ts';

/**
 * startLocalViews, the emulator's programmatic API, in process (on the suite's DynamoDB, so without
 * starting Java): what another project's test suite gets. The packed package is tested in package.test.ts.
 */
const dir = mkdtempSync(join(tmpdir(), 'views-emulator-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('startLocalViews', () => {
  it('finishes a DeleteView too large for one request by itself, as the purge worker does in AWS', async (t) => {
    const eventsFile = join(dir, 'events.jsonl');
    const views = await startLocalViews({
      dynamoEndpoint: dynamoEndpoint(),
      tableName: `emulator-${randomUUID()}`,
      eventsFile,
      logLevel: 'SILENT',
    });
    const connect = new ConnectClient({ endpoint: views.endpoint, region: views.region, credentials: views.credentials });
    const dynamo = localDynamoClient(views.dynamoEndpoint);
    try {
      const { View } = await connect.send(
        new CreateViewCommand({ InstanceId: 'big', Name: 'big', Status: 'PUBLISHED', Content: { Template: '{}' } }),
      );
      const partition = `VIEW#big#${View!.Id}`;
      // 4,000 items straight into the view's partition: more than DeleteView purges within its answer.
      for (let i = 0; i < 4000; i += 25) {
        const items = Array.from({ length: 25 }, (_, j) => ({
          PutRequest: {
            Item: { PK: { S: partition }, SK: { S: `B#${String(i + j).padStart(10, '0')}#00` }, data: { B: new Uint8Array(64) } },
          },
        }));
        await dynamo.send(new BatchWriteItemCommand({ RequestItems: { [views.tableName]: items } }));
      }
      const count = async () =>
        (
          await dynamo.send(
            new QueryCommand({
              TableName: views.tableName,
              KeyConditionExpression: 'PK = :pk',
              ExpressionAttributeValues: { ':pk': { S: partition } },
              Select: 'COUNT',
            }),
          )
        ).Count;
      await connect.send(new DeleteViewCommand({ InstanceId: 'big', ViewId: View!.Id }));
      t.diagnostic(`${await count()} items left when DeleteView answered`);
      await views.flushEvents(120_000);
      assert.equal(await count(), 0, 'every item of the deleted view is gone');
      const events = readFileSync(eventsFile, 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as EventEnvelope);
      assert.deepEqual(
        events.map((e) => [e['detail-type'], e.detail.viewId]),
        [['View Deleted', View!.Id]],
      );
    } finally {
      connect.destroy();
      dynamo.destroy();
      await views.stop();
    }
  });

  it('rejects a busy port with a LocalStartError that says what to do, having started nothing', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const error = await startLocalViews({ port, dataDir: join(dir, 'never-used') }).then(
        () => assert.fail('started on a busy port'),
        (e: unknown) => e,
      );
      assert.ok(error instanceof LocalStartError);
      assert.equal(error.problem, 'port-in-use');
      assert.match(error.message, new RegExp(`Port ${port} .* \\(0 picks a free one\\)`));
    } finally {
      blocker.close();
    }
  });
});
