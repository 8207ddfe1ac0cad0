import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CreateViewVersionCommand, DescribeViewCommand, UpdateViewContentCommand } from '@aws-sdk/client-connect';
import type { LocalService } from '../../emulator/service.ts';
import { createView } from '../support/fixtures.ts';
import { connectClient, newInstanceId, startTestService, useTestService } from '../support/service.ts';
import { runCommand, targetArgs } from '../support/views-as-code.ts';

/** Promote between two emulators (two endpoints, two tables): dev on one, prod on the other. */
const dev = useTestService();
let prod: LocalService;
before(async () => {
  prod = await startTestService();
});
after(async () => {
  await prod.close();
});
const work = mkdtempSync(join(tmpdir(), 'views-promote-'));
after(() => rmSync(work, { recursive: true, force: true }));

const card = (heading: string) => JSON.stringify({ Body: [{ Type: 'Card', Props: { Heading: heading, Action: 'Next' } }] });

describe('promote', () => {
  it('plans the source’s published views onto another endpoint, needs --yes when piped, applies, and writes the ARN map', async () => {
    const from = newInstanceId();
    const to = newInstanceId();
    const versioned = await createView(dev.client, from, {
      name: 'checkout',
      template: card('v1'),
      actions: ['Next'],
      tags: { app: 'shop' },
    });
    await dev.client.send(new CreateViewVersionCommand({ InstanceId: from, ViewId: versioned.Id, VersionDescription: 'one' }));
    await dev.client.send(
      new UpdateViewContentCommand({
        InstanceId: from,
        ViewId: versioned.Id,
        Status: 'PUBLISHED',
        Content: { Template: card('v2'), Actions: ['Next'] },
      }),
    );
    await dev.client.send(new CreateViewVersionCommand({ InstanceId: from, ViewId: versioned.Id, VersionDescription: 'two' }));
    // A draft on the source is not promoted: only what is published.
    await dev.client.send(
      new UpdateViewContentCommand({
        InstanceId: from,
        ViewId: versioned.Id,
        Status: 'SAVED',
        Content: { Template: card('wip'), Actions: ['Next'] },
      }),
    );
    const unversioned = await createView(dev.client, from, { name: 'greeting', template: card('hi'), actions: ['Next'] });
    await createView(dev.client, from, { name: 'never published', status: 'SAVED', template: card('draft'), actions: ['Next'] });

    const args = [...targetArgs(dev.service, from, 'from'), ...targetArgs(prod, to, 'to')];
    const refused = await runCommand(dev.service, ['promote', ...args]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /pass --yes/);
    assert.match(refused.stdout, /^\+ create {4}checkout$/m);
    assert.doesNotMatch(refused.stdout, /never published/);

    const mapFile = join(work, 'map.json');
    const promoted = await runCommand(dev.service, ['promote', ...args, '--yes', '--version', 'promoted from dev', '--map-out', mapFile]);
    assert.equal(promoted.code, 0, promoted.stderr);
    assert.match(promoted.stdout, /2 created, 0 updated, 0 deleted, 0 failed, 0 unchanged; 2 versions cut\./);

    const map = JSON.parse(readFileSync(mapFile, 'utf8')) as Record<string, string>;
    const prodClient = connectClient(prod);
    try {
      const prodCheckout = (await prodClient.send(new DescribeViewCommand({ InstanceId: to, ViewId: map[versioned.Arn!]! }))).View!;
      assert.equal(prodCheckout.Name, 'checkout');
      assert.equal(prodCheckout.Content!.Template, card('v2'));
      assert.deepEqual(prodCheckout.Tags, { app: 'shop' });
      assert.ok(prodCheckout.Arn!.startsWith(`arn:aws:connect:${prod.region}:${prod.accountId}:instance/${to}/view/`));
      const prodGreeting = (await prodClient.send(new DescribeViewCommand({ InstanceId: to, ViewId: map[unversioned.Arn!]! }))).View!;
      assert.equal(prodGreeting.Name, 'greeting');
      assert.deepEqual(map, {
        [versioned.Arn!]: prodCheckout.Arn!,
        [`${versioned.Arn!}:$LATEST`]: `${prodCheckout.Arn!}:$LATEST`,
        // Source version 2 holds what was promoted; the target's version 1 is its copy. Version 1 (older content) has no counterpart.
        [`${versioned.Arn!}:2`]: `${prodCheckout.Arn!}:1`,
        [unversioned.Arn!]: prodGreeting.Arn!,
        [`${unversioned.Arn!}:$LATEST`]: `${prodGreeting.Arn!}:$LATEST`,
      });
      const version = (await prodClient.send(new DescribeViewCommand({ InstanceId: to, ViewId: `${prodCheckout.Id}:1` }))).View!;
      assert.equal(version.VersionDescription, 'promoted from dev');
    } finally {
      prodClient.destroy();
    }

    // Promoting again changes nothing; the map is written the same.
    const again = await runCommand(dev.service, ['promote', ...args, '--map-out', mapFile]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /0 created, 0 updated, 0 deleted, 0 failed, 2 unchanged; 0 versions cut\./);
    assert.equal(Object.keys(JSON.parse(readFileSync(mapFile, 'utf8'))).length, 5);

    // A draft someone saved in prod is prod's: promoting unchanged published content leaves it alone…
    const prodWriter = connectClient(prod);
    try {
      const prodCheckoutId = map[versioned.Arn!]!;
      const hotfix = { Template: card('prod hotfix in progress'), Actions: ['Next'] };
      await prodWriter.send(new UpdateViewContentCommand({ InstanceId: to, ViewId: prodCheckoutId, Status: 'SAVED', Content: hotfix }));
      const prodSaved = async () =>
        (await prodWriter.send(new DescribeViewCommand({ InstanceId: to, ViewId: `${prodCheckoutId}:$SAVED` }))).View!.Content!.Template;
      const kept = await runCommand(dev.service, ['promote', ...args, '--yes']);
      assert.equal(kept.code, 0, kept.stderr);
      assert.match(kept.stdout, /0 created, 0 updated, 0 deleted, 0 failed, 2 unchanged; 0 versions cut\./);
      assert.equal(await prodSaved(), hotfix.Template, 'promote discarded the target’s draft');
      // …and a promotion that publishes over it says, in the plan, that the draft is replaced.
      await dev.client.send(
        new UpdateViewContentCommand({
          InstanceId: from,
          ViewId: versioned.Id,
          Status: 'PUBLISHED',
          Content: { Template: card('v3'), Actions: ['Next'] },
        }),
      );
      const planned = await runCommand(dev.service, ['promote', ...args]);
      assert.match(planned.stdout, /^~ update {4}checkout/m);
      assert.match(planned.stdout, /publishing replaces the instance's unpublished draft/);
    } finally {
      prodWriter.destroy();
    }
  });
});
