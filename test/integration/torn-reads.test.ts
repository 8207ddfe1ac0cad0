import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  CreateViewVersionCommand,
  DeleteViewCommand,
  DeleteViewVersionCommand,
  DescribeViewCommand,
  ListViewsCommand,
  ListViewVersionsCommand,
  SearchViewsCommand,
  UpdateViewContentCommand,
  UpdateViewMetadataCommand,
  type ConnectClient,
  type View,
} from '@aws-sdk/client-connect';
import { contentSha256, generateInputSchema } from '#domain/content.ts';
import { createView, failure } from '../support/fixtures.ts';
import { connectClient, dynamoEndpoint, newInstanceId, useTestService } from '../support/service.ts';
import { TornReads, type Tear, type TearableRead } from '../support/torn-reads.ts';

/**
 * DynamoDB's Query and BatchGetItem are read-committed against transactions. Every read that could
 * overlap a change is torn here at every split point, both ways round, with content of one chunk
 * and of many: no response may mix two states (content with another content's sha, chunks of two
 * contents, a version of a deleted view), and none may be a 5xx.
 */
const torn = new TornReads(dynamoEndpoint());
// Small chunks give content of many chunks without megabytes of it.
const ctx = useTestService({ documentClient: torn.client, chunkBytes: 1024 });
/** The SDKs retry 5xx and 429 by themselves: the reads under test make one attempt, to see every answer. */
const oneAttempt = () => connectClient(ctx.service, { maxAttempts: 1 });

/** A template of about `size` bytes that gzip cannot shrink much, so it spans size/1 KiB chunks. */
function templateOf(marker: string, size: number): string {
  return JSON.stringify({ Marker: marker, Title: '$.Title', Noise: randomBytes(Math.ceil(size * 0.75)).toString('base64') });
}

const SIZES = { 'one chunk': 200, 'many chunks': 6000 } as const;

/** The response is one state: its sha and input schema are those of its own template and actions. */
function assertWhole(view: View, templates: string[]): void {
  const template = view.Content!.Template!;
  assert.ok(templates.includes(template), 'the template is one that was written, whole');
  const parsed = JSON.parse(template) as unknown;
  assert.equal(view.ViewContentSha256, contentSha256(view.Content!.Actions ?? [], template, parsed), 'sha of this very content');
  assert.equal(view.Content!.InputSchema, generateInputSchema(parsed));
}

/** Runs `scenario` once per split point and direction; returns how many torn reads it made. */
async function everySplit(
  read: TearableRead,
  scenario: (arm: (write: () => Promise<unknown>) => Promise<void>) => Promise<void>,
): Promise<number> {
  let keys = 0;
  let runs = 0;
  for (const first of ['before', 'after'] as const) {
    for (let split = 0; split <= keys || runs === 0; split++) {
      let armed: Promise<{ keys: number }> | undefined;
      await scenario(async (write) => {
        const tear: Tear = { read, write, split, first };
        armed = torn.arm(tear);
      });
      assert.ok(armed, 'the scenario armed a tear');
      const report = await Promise.race([armed, new Promise<undefined>((resolve) => setTimeout(resolve, 2000, undefined))]);
      torn.disarm();
      assert.ok(report, `split ${split}: the read was torn`);
      keys = Math.max(keys, report.keys);
      runs++;
    }
  }
  return runs;
}

describe('reads that overlap a committed change (read-committed tearing)', () => {
  let reader: ConnectClient;
  before(() => {
    reader = oneAttempt();
  });
  after(() => reader.destroy());

  for (const [label, size] of Object.entries(SIZES)) {
    it(`DescribeView $LATEST racing a publish, ${label}: one whole state, never a 5xx`, async () => {
      const runs = await everySplit('Query', async (arm) => {
        const instanceId = newInstanceId();
        const [a, b] = [templateOf('a', size), templateOf('b', size)];
        const view = await createView(ctx.client, instanceId, { template: a });
        await arm(() =>
          ctx.client.send(
            new UpdateViewContentCommand({
              InstanceId: instanceId,
              ViewId: view.Id,
              Status: 'PUBLISHED',
              Content: { Template: b, Actions: ['Submit'] },
            }),
          ),
        );
        const { View } = await reader.send(new DescribeViewCommand({ InstanceId: instanceId, ViewId: view.Id }));
        assertWhole(View!, [a, b]);
      });
      assert.ok(runs >= 6);
    });

    it(`DescribeView $SAVED racing a draft save, ${label}`, async () => {
      await everySplit('Query', async (arm) => {
        const instanceId = newInstanceId();
        const [a, s1, s2] = [templateOf('a', size), templateOf('s1', size), templateOf('s2', size)];
        const view = await createView(ctx.client, instanceId, { template: a });
        await ctx.client.send(
          new UpdateViewContentCommand({
            InstanceId: instanceId,
            ViewId: view.Id,
            Status: 'SAVED',
            Content: { Template: s1, Actions: ['Submit'] },
          }),
        );
        await arm(() =>
          ctx.client.send(
            new UpdateViewContentCommand({
              InstanceId: instanceId,
              ViewId: view.Id,
              Status: 'SAVED',
              Content: { Template: s2, Actions: ['Submit'] },
            }),
          ),
        );
        const { View } = await reader.send(new DescribeViewCommand({ InstanceId: instanceId, ViewId: `${view.Id}:$SAVED` }));
        assertWhole(View!, [s1, s2]);
      });
    });

    it(`CreateViewVersion racing a publish, ${label}: the version is whole and equals what it says`, async () => {
      await everySplit('Query', async (arm) => {
        const instanceId = newInstanceId();
        const [a, b] = [templateOf('a', size), templateOf('b', size)];
        const view = await createView(ctx.client, instanceId, { template: a });
        await arm(() =>
          ctx.client.send(
            new UpdateViewContentCommand({
              InstanceId: instanceId,
              ViewId: view.Id,
              Status: 'PUBLISHED',
              Content: { Template: b, Actions: ['Submit'] },
            }),
          ),
        );
        const { View: version } = await reader.send(new CreateViewVersionCommand({ InstanceId: instanceId, ViewId: view.Id }));
        assertWhole(version!, [a, b]);
        const { View: stored } = await ctx.client.send(
          new DescribeViewCommand({ InstanceId: instanceId, ViewId: `${view.Id}:${version!.Version}` }),
        );
        assert.equal(stored!.Content!.Template, version!.Content!.Template, 'the stored version is what the answer said');
        assertWhole(stored!, [a, b]);
      });
    });

    for (const read of ['BatchGetItem', 'Query'] as const) {
      // The version's record and first chunk come in one BatchGetItem, further chunks in a Query.
      if (read === 'Query' && label === 'one chunk') continue;
      it(`DescribeView :N racing DeleteViewVersion (torn ${read}), ${label}: the whole version or ResourceNotFound`, async () => {
        const outcomes = new Set<string>();
        await everySplit(read, async (arm) => {
          const instanceId = newInstanceId();
          const a = templateOf('a', size);
          const view = await createView(ctx.client, instanceId, { template: a });
          await ctx.client.send(new CreateViewVersionCommand({ InstanceId: instanceId, ViewId: view.Id }));
          await arm(() => ctx.client.send(new DeleteViewVersionCommand({ InstanceId: instanceId, ViewId: view.Id, ViewVersion: 1 })));
          try {
            const { View } = await reader.send(new DescribeViewCommand({ InstanceId: instanceId, ViewId: `${view.Id}:1` }));
            assertWhole(View!, [a]);
            outcomes.add('whole');
          } catch (error) {
            assert.equal((error as Error).name, 'ResourceNotFoundException', String(error));
            outcomes.add('not found');
          }
        });
        assert.ok(outcomes.has('not found'), 'some splits see the deletion');
      });
    }
  }

  it('ListViewVersions racing DeleteView and its purge: all the versions, or ResourceNotFound — never some of them', async () => {
    await everySplit('Query', async (arm) => {
      const instanceId = newInstanceId();
      const view = await createView(ctx.client, instanceId, { template: templateOf('a', 100) });
      for (let i = 1; i <= 3; i++) {
        await ctx.client.send(
          new UpdateViewContentCommand({
            InstanceId: instanceId,
            ViewId: view.Id,
            Status: 'PUBLISHED',
            Content: { Template: templateOf(`v${i}`, 100) },
          }),
        );
        await ctx.client.send(new CreateViewVersionCommand({ InstanceId: instanceId, ViewId: view.Id }));
      }
      await arm(() => ctx.client.send(new DeleteViewCommand({ InstanceId: instanceId, ViewId: view.Id })));
      try {
        const page = await reader.send(new ListViewVersionsCommand({ InstanceId: instanceId, ViewId: view.Id }));
        assert.deepEqual(
          page.ViewVersionSummaryList!.map((summary) => summary.Version),
          [3, 2, 1],
          'a live view with all its versions',
        );
      } catch (error) {
        assert.equal((error as Error).name, 'ResourceNotFoundException', String(error));
      }
    });
  });

  it('ListViews racing a rename: each view once, under one of its names', async () => {
    await everySplit('Query', async (arm) => {
      const instanceId = newInstanceId();
      const views: View[] = [];
      for (const name of ['b-view', 'd-view', 'f-view']) views.push(await createView(ctx.client, instanceId, { name }));
      await arm(() => ctx.client.send(new UpdateViewMetadataCommand({ InstanceId: instanceId, ViewId: views[0]!.Id, Name: 'z-view' })));
      const { ViewsSummaryList } = await reader.send(new ListViewsCommand({ InstanceId: instanceId }));
      const ids = ViewsSummaryList!.map((v) => v.Id);
      assert.equal(new Set(ids).size, ids.length, `no view twice: ${ViewsSummaryList!.map((v) => v.Name).join(', ')}`);
      for (const summary of ViewsSummaryList!) {
        if (summary.Id === views[0]!.Id) assert.ok(['b-view', 'z-view'].includes(summary.Name!));
      }
    });
  });

  it('SearchViews racing a rename: each view once, under one of its names', async () => {
    await everySplit('Query', async (arm) => {
      const instanceId = randomUUID();
      const views: View[] = [];
      for (const name of ['b-view', 'd-view', 'f-view']) views.push(await createView(ctx.client, instanceId, { name }));
      await arm(() => ctx.client.send(new UpdateViewMetadataCommand({ InstanceId: instanceId, ViewId: views[0]!.Id, Name: 'z-view' })));
      const { Views } = await reader.send(new SearchViewsCommand({ InstanceId: instanceId }));
      const ids = Views!.map((v) => v.Id);
      assert.equal(new Set(ids).size, ids.length, `no view twice: ${Views!.map((v) => v.Name).join(', ')}`);
    });
  });

  it('a read that keeps catching changes gives up with TooManyRequestsException (retryable), not a 5xx', async () => {
    const instanceId = newInstanceId();
    const view = await createView(ctx.client, instanceId, { template: templateOf('a', 200) });
    let writes = 0;
    // Every attempt is torn by another publish: the service must stop and say so.
    const tearAgain = (): Promise<unknown> =>
      ctx.client
        .send(
          new UpdateViewContentCommand({
            InstanceId: instanceId,
            ViewId: view.Id,
            Status: 'PUBLISHED',
            Content: { Template: templateOf(`w${++writes}`, 200) },
          }),
        )
        .then(() => {
          if (writes < 50) void torn.arm({ read: 'Query', write: tearAgain, split: 1, first: 'before' });
        });
    void torn.arm({ read: 'Query', write: tearAgain, split: 1, first: 'before' });
    const error = await failure(reader.send(new DescribeViewCommand({ InstanceId: instanceId, ViewId: view.Id })));
    torn.disarm();
    assert.equal(error.name, 'TooManyRequestsException');
    assert.equal(error.$metadata.httpStatusCode, 429);
  });
});
