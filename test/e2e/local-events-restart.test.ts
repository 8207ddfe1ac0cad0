import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it, type TestContext } from 'node:test';
import { ConnectClient, CreateViewCommand, CreateViewVersionCommand, UpdateViewContentCommand } from '@aws-sdk/client-connect';
import type { EventEnvelope } from '../../lambda/events/outbox.ts';
import { template } from '../support/fixtures.ts';
import { dynamoDbLocalsOn, startLocal, stopLocal, type LocalProcess } from '../support/local-process.ts';

/**
 * Every acknowledged change has its event in EVENTS_FILE after a restart, however the service
 * stopped in the middle of a burst of publishes: Ctrl-C (drains, then stops) or kill -9 (nothing
 * drained; the next start resumes from the checkpoint).
 */
const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

interface Burst {
  acknowledged: string[];
  failures: string[];
}

/**
 * Publishes new versions from `workers` clients at once until the service stops answering; calls
 * `stopAt` once `threshold` versions are acknowledged (no clock involved).
 */
async function publishUntilStopped(url: string, workers: number, threshold: number, stopAt: () => void): Promise<Burst> {
  const acknowledged: string[] = [];
  const failures: string[] = [];
  let signalled = false;
  await Promise.all(
    Array.from({ length: workers }, async (_, worker) => {
      const client = new ConnectClient({
        endpoint: url,
        region: 'us-east-1',
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
        maxAttempts: 1,
      });
      try {
        const { View } = await client.send(
          new CreateViewCommand({ InstanceId: 'burst', Name: `worker-${worker}`, Status: 'PUBLISHED', Content: { Template: template(0) } }),
        );
        for (let i = 1; ; i++) {
          await client.send(
            new UpdateViewContentCommand({
              InstanceId: 'burst',
              ViewId: View!.Id,
              Status: 'PUBLISHED',
              Content: { Template: template(i) },
            }),
          );
          const version = (await client.send(new CreateViewVersionCommand({ InstanceId: 'burst', ViewId: View!.Id }))).View!.Version!;
          acknowledged.push(`${View!.Id}:${version}`);
          if (!signalled && acknowledged.length >= threshold) {
            signalled = true;
            stopAt();
          }
        }
      } catch (error) {
        failures.push(`${(error as Error).name}: ${(error as Error).message}`);
      } finally {
        client.destroy();
      }
    }),
  );
  return { acknowledged, failures };
}

function publishedIn(file: string): { versions: Set<string>; lines: number; ids: Set<string> } {
  const events = existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as EventEnvelope)
    : [];
  const published = events.filter((e) => e['detail-type'] === 'View Version Published');
  return {
    versions: new Set(published.map((e) => `${e.detail.viewId}:${e.detail.version}`)),
    lines: events.length,
    ids: new Set(events.map((e) => e.id)),
  };
}

async function burstThenStop(t: TestContext, signal: 'SIGINT' | 'SIGKILL') {
  const dir = mkdtempSync(join(tmpdir(), 'views-burst-'));
  dirs.push(dir);
  const file = join(dir, 'events.jsonl');
  const env = { DATA_DIR: dir, POWERTOOLS_LOG_LEVEL: 'SILENT' };

  const running: LocalProcess = await startLocal(env);
  const burst = await publishUntilStopped(running.url, 4, 30, () => running.child.kill(signal));
  const code = await running.exited;
  const before = publishedIn(file);

  // Restart, and stop again with Ctrl-C, which writes whatever the stream still holds.
  const restarted = await startLocal(env);
  assert.equal(await stopLocal(restarted), 0);
  const afterRestart = publishedIn(file);
  const missing = burst.acknowledged.filter((version) => !afterRestart.versions.has(version));

  t.diagnostic(
    `${signal} mid-burst: ${burst.acknowledged.length} versions acknowledged; ` +
      `events before the restart ${burst.acknowledged.filter((v) => before.versions.has(v)).length}, ` +
      `after it ${burst.acknowledged.length - missing.length}; ${afterRestart.lines - afterRestart.ids.size} lines repeated an event id; ` +
      `clients' last errors: ${[...new Set(burst.failures)].join(' | ')}`,
  );
  assert.ok(burst.acknowledged.length >= 30);
  assert.deepEqual(missing, [], 'every acknowledged version has its event after the restart');
  assert.deepEqual(dynamoDbLocalsOn(dir), [], 'no DynamoDB Local left on the folder');
  return { code, burst, before, output: running.output() };
}

describe('events of a burst interrupted by a stop, after a restart', () => {
  it('Ctrl-C: requests already received are answered, the events are all written before exiting', async (t) => {
    const { code, burst, before, output } = await burstThenStop(t, 'SIGINT');
    assert.equal(code, 0);
    assert.doesNotMatch(output, /were cut/, 'no request the service received was cut');
    assert.deepEqual(
      burst.acknowledged.filter((version) => !before.versions.has(version)),
      [],
      'a graceful stop writes the events of everything it acknowledged',
    );
  });

  it('kill -9: the next start delivers what the killed one did not', async (t) => {
    const { code } = await burstThenStop(t, 'SIGKILL');
    assert.equal(code, 'SIGKILL');
  });
});
