import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ConnectClient, CreateViewCommand, DescribeViewCommand, ListViewsCommand } from '@aws-sdk/client-connect';
import { isRunning } from '../../emulator/dynamodb-local/processes.ts';
import {
  dynamoDbLocalsOn,
  endpointPrinted,
  goneWithin,
  lockOf,
  runLocal,
  startLocal,
  startOrphanDynamoDbLocal,
  stopLocal,
  watchChild,
} from '../support/local-process.ts';
import { dynamoEndpoint } from '../support/service.ts';

/** `npm start` as a user runs it: endpoint printed, stock clients, clean stops, and nothing left running. */
const dirs: string[] = [];
function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'views-data-'));
  dirs.push(dir);
  return dir;
}
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** The stock client: nothing but the endpoint and the printed credentials. */
function client(url: string) {
  return new ConnectClient({ endpoint: url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
}

describe('npm start', () => {
  it('serves the API on an existing DynamoDB, prints how to call it, logs as the named service, and stops cleanly on Ctrl-C', async () => {
    const service = await startLocal({
      DYNAMODB_ENDPOINT: dynamoEndpoint(),
      TABLE_NAME: `start-${randomUUID()}`,
      POWERTOOLS_LOG_LEVEL: 'INFO',
      EVENTS_FILE: '-',
    });
    assert.match(service.output(), /region\s+us-east-1/);
    assert.match(service.output(), /access key "test", secret "test"/);
    assert.match(service.output(), /aws connect list-views --instance-id [0-9a-f-]{36} --endpoint-url http:\/\/127\.0\.0\.1:\d+/);
    const sdk = client(service.url);
    assert.deepEqual((await sdk.send(new ListViewsCommand({ InstanceId: 'i' }))).ViewsSummaryList, []);
    sdk.destroy();
    assert.equal(await stopLocal(service), 0);
    const logLine = service
      .output()
      .split('\n')
      .find((line) => line.includes('"operation":"ListViews"'));
    assert.ok(logLine, service.output());
    assert.equal(JSON.parse(logLine).service, 'connect-views');
  });

  it('is quiet by default (no line per request) and writes one per request with --verbose', async () => {
    const requestLines = async (args: string[]) => {
      const service = await startLocal(
        { DYNAMODB_ENDPOINT: dynamoEndpoint(), TABLE_NAME: `quiet-${randomUUID()}`, POWERTOOLS_LOG_LEVEL: '', EVENTS_FILE: '-' },
        args,
      );
      const sdk = client(service.url);
      await sdk.send(new ListViewsCommand({ InstanceId: randomUUID() }));
      sdk.destroy();
      assert.equal(await stopLocal(service), 0);
      return service
        .output()
        .split('\n')
        .filter((line) => line.includes('"operation":"ListViews"')).length;
    };
    assert.equal(await requestLines([]), 0);
    assert.equal(await requestLines(['--verbose']), 1);
  });

  it('starts DynamoDB Local itself, keeps the data across restarts, and leaves no process and no lock behind', async () => {
    const dir = dataDir();
    const first = await startLocal({ DATA_DIR: dir });
    let sdk = client(first.url);
    const created = await sdk.send(
      new CreateViewCommand({ InstanceId: 'persist', Name: 'kept', Status: 'PUBLISHED', Content: { Template: '{}' } }),
    );
    sdk.destroy();
    const java = lockOf(dir).java!;
    assert.deepEqual(dynamoDbLocalsOn(dir), [java]);
    assert.equal(await stopLocal(first), 0);
    assert.equal(isRunning(java), false);
    assert.equal(existsSync(join(dir, 'dynamodb-local.lock')), false);

    const second = await startLocal({ DATA_DIR: dir });
    sdk = client(second.url);
    const { View } = await sdk.send(new DescribeViewCommand({ InstanceId: 'persist', ViewId: created.View!.Id }));
    assert.equal(View!.Name, 'kept');
    sdk.destroy();
    assert.equal(await stopLocal(second), 0);
  });

  it('answers a request made as soon as its port opens (wait-on tcp:PORT), holding it until DynamoDB Local is up', async () => {
    const port = await new Promise<number>((resolvePort) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = probe.address() as { port: number };
        probe.close(() => resolvePort(free));
      });
    });
    const local = runLocal({ DATA_DIR: 'memory', PORT: String(port) });
    // What wait-on tcp:PORT does: connect until the port accepts.
    for (;;) {
      const open = await new Promise<boolean>((resolveOpen) => {
        const socket = connect(port, '127.0.0.1', () => {
          socket.destroy();
          resolveOpen(true);
        }).once('error', () => resolveOpen(false));
      });
      if (open) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const bannerAtOpen = /endpoint\s+http/.test(local.output());
    const sdk = client(`http://127.0.0.1:${port}`);
    const { ViewsSummaryList } = await sdk.send(new ListViewsCommand({ InstanceId: randomUUID() }));
    sdk.destroy();
    assert.deepEqual(ViewsSummaryList, []);
    assert.equal(bannerAtOpen, false, 'the port opened before the service was ready: the request was held, not refused');
    local.child.kill('SIGINT');
    assert.equal(await local.exited, 0);
  });
});

describe('npm start when something is in the way: one line, non-zero exit, nothing left running', () => {
  it('a busy port', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    const dir = dataDir();
    try {
      const run = runLocal({ PORT: String(port), DATA_DIR: dir });
      assert.equal(await run.exited, 1);
      assert.equal(
        run.stderr().trim(),
        `Port ${port} on 127.0.0.1 is already in use: stop what is listening there, ` +
          'or pick another port (PORT=0 or --port 0 picks a free one).',
      );
      assert.doesNotMatch(run.output(), /Starting DynamoDB Local/);
      assert.deepEqual(dynamoDbLocalsOn(dir), []);
      assert.equal(existsSync(join(dir, 'dynamodb-local.lock')), false);
    } finally {
      blocker.close();
    }
  });

  it('no Java', async () => {
    const dir = dataDir();
    const run = runLocal({ DATA_DIR: dir, PATH: dirname(process.execPath), JAVA_HOME: '' });
    assert.equal(await run.exited, 1);
    const lines = run.stderr().trim().split('\n');
    assert.equal(lines.length, 1, run.stderr());
    assert.match(lines[0]!, /needs Java 17 or later, and no java was found/);
    assert.deepEqual(dynamoDbLocalsOn(dir), []);
  });

  it('a data folder another running service uses', async () => {
    const dir = dataDir();
    const owner = await startLocal({ DATA_DIR: dir });
    const second = runLocal({ DATA_DIR: dir });
    assert.equal(await second.exited, 1);
    assert.match(
      second.stderr().trim(),
      new RegExp(`^The data folder .* is in use by another local service \\(process ${owner.child.pid}\\)`),
    );
    assert.deepEqual(dynamoDbLocalsOn(dir), [lockOf(dir).java!], 'still exactly one DynamoDB Local on the folder');
    const sdk = client(owner.url);
    assert.deepEqual((await sdk.send(new ListViewsCommand({ InstanceId: 'i' }))).ViewsSummaryList, [], 'the running one is untouched');
    sdk.destroy();
    assert.equal(await stopLocal(owner), 0);
  });
});

describe('npm start killed', () => {
  it('kill -9 of the node process takes DynamoDB Local with it, and the next start runs on the same data', async () => {
    const dir = dataDir();
    const first = await startLocal({ DATA_DIR: dir });
    const { java } = lockOf(dir);
    assert.ok(java && isRunning(java));
    assert.equal(await stopLocal(first, 'SIGKILL'), 'SIGKILL');
    assert.ok(await goneWithin([java], 30_000), `DynamoDB Local (process ${java}) outlived its node process`);

    const second = await startLocal({ DATA_DIR: dir });
    assert.deepEqual(dynamoDbLocalsOn(dir), [lockOf(dir).java!]);
    assert.equal(await stopLocal(second), 0);
    assert.deepEqual(dynamoDbLocalsOn(dir), []);
  });

  it('npm start stops when its npm process is killed (npm passes no SIGTERM on)', async () => {
    const dir = dataDir();
    const { DYNAMODB_ENDPOINT: _suiteDynamo, ...inherited } = process.env;
    const npm = spawn('npm', ['start'], { env: { ...inherited, PORT: '0', DATA_DIR: dir }, stdio: ['ignore', 'pipe', 'pipe'] });
    const { output, exited } = watchChild(npm);
    await endpointPrinted(output, exited);
    const { java, owner } = lockOf(dir);
    npm.kill('SIGTERM');
    assert.ok(await goneWithin([owner, java!], 30_000), 'the service or DynamoDB Local outlived npm start');
    assert.equal(existsSync(join(dir, 'dynamodb-local.lock')), false, 'it stopped cleanly');
  });

  it('an orphaned DynamoDB Local on the folder (its owner gone) is stopped by the next start', async () => {
    const dir = dataDir();
    const orphan = await startOrphanDynamoDbLocal(dir);
    assert.deepEqual(dynamoDbLocalsOn(dir), [orphan]);

    const next = await startLocal({ DATA_DIR: dir });
    assert.match(next.output(), new RegExp(`Stopping DynamoDB Local \\(process ${orphan}\\) that a previous run left behind`));
    assert.equal(isRunning(orphan), false);
    assert.deepEqual(dynamoDbLocalsOn(dir), [lockOf(dir).java!], 'one DynamoDB Local on the folder, the new one');
    assert.equal(await stopLocal(next), 0);
  });
});
