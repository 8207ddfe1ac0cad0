import assert from 'node:assert/strict';
import { tableClient } from '../support/table-seed.ts';
import { randomUUID } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { CreateViewVersionCommand, UpdateViewContentCommand, type ConnectClient } from '@aws-sdk/client-connect';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { localDynamoClient } from '../../emulator/dynamodb-local/launcher.ts';
import type { LocalService, LocalServiceOptions } from '../../emulator/service.ts';
import type { EventEnvelope, PurgeRequest } from '../../lambda/events/outbox.ts';
import { createView, template } from '../support/fixtures.ts';
import { connectClient, dynamoEndpoint, newInstanceId, startTestService } from '../support/service.ts';

/**
 * The local stream consumer across restarts and for DeleteView's purge requests. Restarts here are
 * in-process (a crash is simulated by putting back an older checkpoint); bin/local's own kill -9
 * and Ctrl-C are in local-start.test.ts.
 */
const dir = mkdtempSync(join(tmpdir(), 'views-replay-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function readEvents(file: string): EventEnvelope[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as EventEnvelope);
}

async function withService<T>(
  options: Partial<LocalServiceOptions>,
  run: (service: LocalService, client: ConnectClient) => Promise<T>,
): Promise<T> {
  const service = await startTestService(options);
  const client = connectClient(service);
  try {
    return await run(service, client);
  } finally {
    client.destroy();
    await service.close();
  }
}

async function publish(client: ConnectClient, instanceId: string, viewId: string, marker: string): Promise<number> {
  await client.send(
    new UpdateViewContentCommand({ InstanceId: instanceId, ViewId: viewId, Status: 'PUBLISHED', Content: { Template: template(marker) } }),
  );
  return (await client.send(new CreateViewVersionCommand({ InstanceId: instanceId, ViewId: viewId }))).View!.Version!;
}

const versionsIn = (events: EventEnvelope[]) =>
  events.filter((e) => e['detail-type'] === 'View Version Published').map((e) => e.detail.version);

describe('events across restarts', () => {
  it('a restart resumes after the checkpoint: nothing lost, nothing repeated', async () => {
    const tableName = `replay-${randomUUID()}`;
    const file = join(dir, `${tableName}.jsonl`);
    const instanceId = newInstanceId();
    const viewId = await withService({ tableName, eventsOutput: file }, async (_service, client) => {
      const view = await createView(client, instanceId);
      for (let i = 1; i <= 3; i++) await publish(client, instanceId, view.Id!, `first-${i}`);
      return view.Id!;
    });
    await withService({ tableName, eventsOutput: file }, async (service, client) => {
      for (let i = 1; i <= 2; i++) await publish(client, instanceId, viewId, `second-${i}`);
      await service.events!.flush();
    });
    assert.deepEqual(versionsIn(readEvents(file)), [1, 2, 3, 4, 5]);
  });

  it('after a crash between writing events and saving the checkpoint, they come again (at least once, same ids)', async () => {
    const tableName = `replay-${randomUUID()}`;
    const file = join(dir, `${tableName}.jsonl`);
    const instanceId = newInstanceId();
    await withService({ tableName, eventsOutput: file }, async (service, client) => {
      const view = await createView(client, instanceId);
      await publish(client, instanceId, view.Id!, 'one');
      await service.events!.flush();
      copyFileSync(`${file}.checkpoint`, join(dir, 'older.checkpoint'));
      await publish(client, instanceId, view.Id!, 'two');
      await publish(client, instanceId, view.Id!, 'three');
      await service.events!.flush();
    });
    copyFileSync(join(dir, 'older.checkpoint'), `${file}.checkpoint`);
    await withService({ tableName, eventsOutput: file }, async (service) => service.events!.flush());
    const events = readEvents(file);
    assert.deepEqual(versionsIn(events), [1, 2, 3, 2, 3]);
    assert.equal(new Set(events.map((e) => e.id)).size, 3, 'a repeated event has the same id');
  });

  it('a checkpoint of another stream (the table was replaced) replays the outbox from the table', async () => {
    const tableName = `replay-${randomUUID()}`;
    const file = join(dir, `${tableName}.jsonl`);
    const instanceId = newInstanceId();
    await withService({ tableName, eventsOutput: file }, async (_service, client) => {
      const view = await createView(client, instanceId);
      await publish(client, instanceId, view.Id!, 'one');
    });
    const checkpoint = JSON.parse(readFileSync(`${file}.checkpoint`, 'utf8'));
    assert.equal(checkpoint.table, tableName);
    rmSync(file);
    copyFileSync(`${file}.checkpoint`, join(dir, 'kept.checkpoint'));
    const other = JSON.stringify({ ...checkpoint, streamArn: `${checkpoint.streamArn}-replaced` });
    await import('node:fs/promises').then((fs) => fs.writeFile(`${file}.checkpoint`, other));
    await withService({ tableName, eventsOutput: file }, async (service) => service.events!.flush());
    assert.deepEqual(versionsIn(readEvents(file)), [1]);
  });

  it('reads a new table’s stream even when other tables wrote between the first read and the first record', async () => {
    // DynamoDB Local numbers stream records across all its tables; an iterator taken on a shard that
    // was still empty then reads as trimmed. Under a busy suite this lost every event of a file.
    const file = join(dir, `busy-${randomUUID()}.jsonl`);
    await withService({ eventsOutput: file }, async (service, client) => {
      const admin = localDynamoClient(dynamoEndpoint());
      const neighbour = await startTestService();
      try {
        for (let i = 0; i < 30; i++) {
          await admin.send(new PutItemCommand({ TableName: neighbour.tableName, Item: { PK: { S: `noise-${i}` }, SK: { S: 'x' } } }));
        }
      } finally {
        await neighbour.close();
        admin.destroy();
      }
      const instanceId = newInstanceId();
      const view = await createView(client, instanceId);
      await publish(client, instanceId, view.Id!, 'one');
      await service.events!.flush();
      assert.deepEqual(versionsIn(readEvents(file)), [1]);
    });
  });
});

describe('purge requests (DeleteView finishing by itself)', () => {
  /** What DeleteView's transaction leaves: a tombstone head and a purge request. */
  async function requestPurge(service: LocalService, instanceId: string, viewId: string): Promise<void> {
    const admin = localDynamoClient(dynamoEndpoint());
    try {
      await admin.send(
        new UpdateItemCommand({
          TableName: service.tableName,
          Key: { PK: { S: `VIEW#${instanceId}#${viewId}` }, SK: { S: 'VIEW' } },
          UpdateExpression: 'SET deleting = :true',
          ExpressionAttributeValues: { ':true': { BOOL: true } },
        }),
      );
      await admin.send(
        new PutItemCommand({
          TableName: service.tableName,
          Item: {
            PK: { S: `OUTBOX#${instanceId}#${viewId}` },
            SK: { S: `P#${new Date().toISOString()}#${randomUUID()}` },
            kind: { S: 'purge' },
            instanceId: { S: instanceId },
            viewId: { S: viewId },
            expiresAt: { N: String(Math.floor(Date.now() / 1000) + 86_400) },
          },
        }),
      );
    } finally {
      admin.destroy();
    }
  }

  async function itemsOf(service: LocalService, instanceId: string, viewId: string): Promise<number> {
    const { Items } = await tableClient().send(
      new QueryCommand({
        TableName: service.tableName,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': `VIEW#${instanceId}#${viewId}` },
      }),
    );
    return Items?.length ?? 0;
  }

  it('an inserted purge request purges the view, without any further call', async () => {
    await withService({ purge: true }, async (service, client) => {
      const instanceId = newInstanceId();
      const view = await createView(client, instanceId);
      await publish(client, instanceId, view.Id!, 'one');
      assert.ok((await itemsOf(service, instanceId, view.Id!)) > 3);
      await requestPurge(service, instanceId, view.Id!);
      await service.events!.flush();
      assert.equal(await itemsOf(service, instanceId, view.Id!), 0);
    });
  });

  it('a failing purge is retried, does not hold up events, and survives a restart until it succeeds', async () => {
    const tableName = `purge-${randomUUID()}`;
    const file = join(dir, `${tableName}.jsonl`);
    const instanceId = newInstanceId();
    const attempts: PurgeRequest[] = [];
    const failing = async (request: PurgeRequest) => {
      attempts.push(request);
      throw new Error('injected: purge failed');
    };
    const viewId = await withService({ tableName, eventsOutput: file, purge: failing }, async (service, client) => {
      const doomed = await createView(client, instanceId);
      await requestPurge(service, instanceId, doomed.Id!);
      const other = await createView(client, instanceId);
      await publish(client, instanceId, other.Id!, 'one');
      await assert.rejects(service.events!.flush(3000), /1 purges open/);
      assert.deepEqual(versionsIn(readEvents(file)), [1], 'the event after the failing purge request was written');
      assert.ok(attempts.length >= 2, `retried: ${attempts.length} attempts`);
      return doomed.Id!;
    });
    assert.ok(attempts.every((a) => a.instanceId === instanceId && a.viewId === viewId));
    const checkpoint = JSON.parse(readFileSync(`${file}.checkpoint`, 'utf8'));
    assert.deepEqual(
      checkpoint.purges.map((p: PurgeRequest) => p.viewId),
      [viewId],
      'kept open in the checkpoint',
    );

    // The next start (stream already read past the request) purges it from the checkpoint.
    await withService({ tableName, eventsOutput: file, purge: true }, async (service) => {
      await service.events!.flush();
      assert.equal(await itemsOf(service, instanceId, viewId), 0);
    });
    assert.deepEqual(JSON.parse(readFileSync(`${file}.checkpoint`, 'utf8')).purges, []);
    assert.deepEqual(versionsIn(readEvents(file)), [1], 'no event written twice');
  });
});
