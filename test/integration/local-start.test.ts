import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { ConnectClient, CreateViewCommand, DescribeViewCommand, ListViewsCommand } from '@aws-sdk/client-connect';
import { dynamoEndpoint } from '../support/service.ts';

/** `npm start` as a user runs it: a child process that prints its endpoint and stops on Ctrl-C. */
async function start(env: Record<string, string>): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(process.execPath, ['bin/local.ts'], { env: { ...process.env, PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (data: Buffer) => (output += data.toString()));
  child.stderr!.on('data', (data: Buffer) => (output += data.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no endpoint printed within 90 s:\n${output}`)), 90_000);
    const poll = setInterval(() => {
      const match = /endpoint\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) {
        clearInterval(poll);
        clearTimeout(timer);
        resolve(match[1]!);
      }
    }, 50);
    child.once('exit', (code) => reject(new Error(`exited with ${code} before serving:\n${output}`)));
  });
  return { child, url, output: () => output };
}

async function stop(child: ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGINT');
  return exited;
}

function client(url: string) {
  const config = { endpoint: url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, signingName: 'execute-api' };
  return new ConnectClient(config);
}

const dataDir = mkdtempSync(join(tmpdir(), 'views-data-'));
after(() => rmSync(dataDir, { recursive: true, force: true }));

describe('npm start', () => {
  it('serves the API on an existing DynamoDB, prints how to call it, and stops cleanly on Ctrl-C', async () => {
    const service = await start({ DYNAMODB_ENDPOINT: dynamoEndpoint(), TABLE_NAME: `start-${randomUUID()}` });
    assert.match(service.output(), /region\s+us-east-1/);
    assert.match(service.output(), /access key "test", secret "test"/);
    const sdk = client(service.url);
    assert.deepEqual((await sdk.send(new ListViewsCommand({ InstanceId: 'i' }))).ViewsSummaryList, []);
    sdk.destroy();
    assert.equal(await stop(service.child), 0);
  });

  it('starts DynamoDB Local itself and keeps the data across restarts', async () => {
    const first = await start({ DATA_DIR: dataDir });
    let sdk = client(first.url);
    const created = await sdk.send(new CreateViewCommand({ InstanceId: 'persist', Name: 'kept', Status: 'PUBLISHED', Content: { Template: '{}' } }));
    sdk.destroy();
    assert.equal(await stop(first.child), 0);

    const second = await start({ DATA_DIR: dataDir });
    sdk = client(second.url);
    const { View } = await sdk.send(new DescribeViewCommand({ InstanceId: 'persist', ViewId: created.View!.Id }));
    assert.equal(View!.Name, 'kept');
    sdk.destroy();
    assert.equal(await stop(second.child), 0);
  });
});
