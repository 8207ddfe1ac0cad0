import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { CreateViewVersionCommand, DescribeViewCommand, UpdateViewContentCommand } from '@aws-sdk/client-connect';
import { Writable } from 'node:stream';
import { applyPlan } from '../../cli/apply.ts';
import { main } from '../../cli/command.ts';
import {
  ChangedSinceReadError,
  cutVersionGuarded,
  publishGuarded,
  rollbackGuarded,
  UnversionedContentError,
} from '../../cli/guarded-writes.ts';
import { diffView, rollbackView, viewHistory } from '../../cli/history.ts';
import { planDirectory, type Plan } from '../../cli/plan.ts';
import { pullViews } from '../../cli/pull.ts';
import { listAllViews } from '../../cli/view-content.ts';
import { readViewDir, serializeViewFile, type ViewFile } from '../../cli/view-files.ts';
import { createView } from '../support/fixtures.ts';
import { newInstanceId, useTestService } from '../support/service.ts';
import { localTarget, runCommand, targetArgs } from '../support/views-as-code.ts';

const ctx = useTestService();
const work = mkdtempSync(join(tmpdir(), 'views-as-code-'));
after(() => rmSync(work, { recursive: true, force: true }));
let dirs = 0;
const newDir = () => join(work, `d${++dirs}`);

function folder(dir: string): Record<string, string> {
  return Object.fromEntries(
    readdirSync(dir)
      .sort()
      .map((name) => [name, readFileSync(join(dir, name), 'utf8')]),
  );
}

const card = (heading: string, action = 'Next') =>
  JSON.stringify({ Head: { Title: '$.Title' }, Body: [{ Type: 'Card', Props: { Heading: heading, Action: action } }] });

/** UpdateViewContent as someone else makes it meanwhile (the console, another pipeline). */
function writeContent(instanceId: string, viewId: string, status: 'SAVED' | 'PUBLISHED', template: string) {
  return ctx.client.send(
    new UpdateViewContentCommand({
      InstanceId: instanceId,
      ViewId: viewId,
      Status: status,
      Content: { Template: template, Actions: ['Next'] },
    }),
  );
}

/** An instance with a published view, one with an unpublished draft over its published content, one only ever saved. */
async function seed(instanceId: string) {
  const published = await createView(ctx.client, instanceId, {
    name: 'Welcome / Grüße',
    template: card('Hello'),
    actions: ['Next'],
    description: 'First screen',
    tags: { team: 'cx', env: 'dev' },
  });
  const drafted = await createView(ctx.client, instanceId, { name: 'orders', template: card('Orders'), actions: ['Next'] });
  await ctx.client.send(
    new UpdateViewContentCommand({
      InstanceId: instanceId,
      ViewId: drafted.Id,
      Status: 'SAVED',
      Content: { Template: card('Orders, reworked', 'Done'), Actions: ['Done'] },
    }),
  );
  const saved = await createView(ctx.client, instanceId, { name: 'Only saved', status: 'SAVED', template: '{"Head": {', actions: [] });
  return { published, drafted, saved };
}

describe('views as code against the emulator', () => {
  it('round trip: pull A, apply to an empty B, pull B: identical bytes (a $SAVED draft included); pulls are deterministic', async () => {
    const a = newInstanceId();
    const b = newInstanceId();
    await seed(a);
    const dirA = newDir();
    const pulled = await pullViews(localTarget(ctx.service, a), { dir: dirA });
    assert.equal(pulled.views, 3);
    const filesA = folder(dirA);
    assert.equal(Object.keys(filesA).length, 3);
    assert.ok(filesA['orders.view.json'], 'a safe name is the file name');
    assert.match(Object.keys(filesA).join(' '), /welcome-grusse-[0-9a-f]{8}\.view\.json/);
    const orders = JSON.parse(filesA['orders.view.json']!) as ViewFile;
    assert.deepEqual(orders.draft, { actions: ['Done'], template: JSON.parse(card('Orders, reworked', 'Done')) });
    assert.deepEqual(orders.template, JSON.parse(card('Orders')), 'the template is an object, not an escaped string');
    const onlySaved = JSON.parse(filesA[Object.keys(filesA).find((name) => name.startsWith('only-saved-'))!]!);
    assert.deepEqual(onlySaved.draft, { actions: [], templateText: '{"Head": {' });

    // Pulled again, unchanged: the same bytes, nothing written.
    const again = await pullViews(localTarget(ctx.service, a), { dir: dirA });
    assert.deepEqual([again.written.length, again.unchanged.length, again.removed.length], [0, 3, 0]);

    const targetB = localTarget(ctx.service, b);
    const plan = await planDirectory(targetB, dirA);
    assert.deepEqual(plan.summary, { create: 3, update: 0, unchanged: 0, extra: 0, skip: 0 });
    const applied = await applyPlan(targetB, plan);
    assert.equal(applied.summary.created, 3, JSON.stringify(applied.outcomes));
    const dirB = newDir();
    await pullViews(targetB, { dir: dirB });
    assert.deepEqual(folder(dirB), filesA);
  });

  it('apply is idempotent: a second apply has nothing to do, also with --version', async () => {
    const a = newInstanceId();
    const b = newInstanceId();
    await seed(a);
    const dir = newDir();
    await pullViews(localTarget(ctx.service, a), { dir });
    const targetB = localTarget(ctx.service, b);
    const first = await applyPlan(targetB, await planDirectory(targetB, dir), { version: 'release 1' });
    assert.equal(first.summary.created, 3);
    assert.equal(first.summary.versions, 2, 'the two views with published content get a version; the saved-only one has none');
    const plan = await planDirectory(targetB, dir);
    assert.deepEqual(plan.summary, { create: 0, update: 0, unchanged: 3, extra: 0, skip: 0 });
    const second = await applyPlan(targetB, plan, { version: 'release 1' });
    assert.deepEqual(
      { ...second.summary },
      { created: 0, updated: 0, deleted: 0, unchanged: 3, failed: 0, skipped: 0, versions: 0 },
      JSON.stringify(second.outcomes),
    );
  });

  it('an edit between plan and apply is not overwritten: that view stops, "changed since the plan"; the others are applied', async () => {
    const instanceId = newInstanceId();
    const views = await Promise.all(
      ['one', 'two', 'three'].map((name) => createView(ctx.client, instanceId, { name, template: card(name), actions: ['Next'] })),
    );
    const dir = newDir();
    const target = localTarget(ctx.service, instanceId);
    await pullViews(target, { dir });
    for (const name of ['one', 'two', 'three']) {
      const path = join(dir, `${name}.view.json`);
      const file = JSON.parse(readFileSync(path, 'utf8')) as ViewFile;
      (file.template as any).Body[0].Props.Heading = `${name}, edited in git`;
      writeFileSync(path, serializeViewFile(file));
    }
    const plan = await planDirectory(target, dir);
    assert.equal(plan.summary.update, 3);
    // Someone saves a draft of "two" in the console meanwhile.
    await ctx.client.send(
      new UpdateViewContentCommand({
        InstanceId: instanceId,
        ViewId: views[1]!.Id,
        Status: 'SAVED',
        Content: { Template: card('console'), Actions: ['Next'] },
      }),
    );
    const result = await applyPlan(target, plan);
    const two = result.outcomes.find((outcome) => outcome.name === 'two')!;
    assert.equal(two.status, 'failed');
    assert.match(two.error!, /^changed since the plan/);
    assert.deepEqual(
      result.outcomes.filter((outcome) => outcome.name !== 'two').map((outcome) => outcome.status),
      ['updated', 'updated'],
    );
    const saved = (await ctx.client.send(new DescribeViewCommand({ InstanceId: instanceId, ViewId: `${views[1]!.Id}:$SAVED` }))).View!;
    assert.equal(saved.Content!.Template, card('console'), 'the console draft is still there');

    // The same through the command: a saved plan, an edit, apply --plan → exit 1, one line naming the view.
    const planFile = join(work, 'plan.json');
    const planned = await runCommand(ctx.service, ['plan', '--json', '--dir', dir, ...targetArgs(ctx.service, instanceId)]);
    assert.equal(planned.code, 2, planned.stderr);
    writeFileSync(planFile, planned.stdout);
    await ctx.client.send(
      new UpdateViewContentCommand({
        InstanceId: instanceId,
        ViewId: views[1]!.Id,
        Status: 'PUBLISHED',
        Content: { Template: card('hotfix'), Actions: ['Next'] },
      }),
    );
    const applied = await runCommand(ctx.service, ['apply', '--plan', planFile, ...targetArgs(ctx.service, instanceId)]);
    assert.equal(applied.code, 1);
    assert.equal(applied.stderr.trim().split('\n').length, 1, applied.stderr);
    assert.match(applied.stderr, /^✖ two: changed since the plan/);
    assert.doesNotMatch(applied.stderr, /\n\s+at /, 'no stack trace');
    assert.match(applied.stdout, /0 created, 0 updated, 0 deleted, 1 failed, 2 unchanged/);
  });

  it('a saved plan is not applied to a view whose draft was published as it was since (only $LATEST moved)', async () => {
    const instanceId = newInstanceId();
    const args = targetArgs(ctx.service, instanceId);
    const view = await createView(ctx.client, instanceId, { name: 'drafted', template: card('live'), actions: ['Next'] });
    const write = (status: 'SAVED' | 'PUBLISHED', heading: string) => writeContent(instanceId, view.Id!, status, card(heading));
    await write('SAVED', 'draft');
    const dir = newDir();
    await pullViews(localTarget(ctx.service, instanceId), { dir });
    const path = join(dir, 'drafted.view.json');
    const file = JSON.parse(readFileSync(path, 'utf8')) as { draft: { template: { Body: { Props: { Heading: string } }[] } } };
    file.draft.template.Body[0]!.Props.Heading = 'draft, edited in git';
    writeFileSync(path, `${JSON.stringify(file, null, 2)}\n`);
    const planFile = join(work, 'draft-plan.json');
    const planned = await runCommand(ctx.service, ['plan', '--json', '--dir', dir, ...args]);
    writeFileSync(planFile, planned.stdout);
    assert.deepEqual((JSON.parse(planned.stdout) as Plan).entries[0]!.changes, ['draft']);
    await write('PUBLISHED', 'draft');
    const applied = await runCommand(ctx.service, ['apply', '--plan', planFile, ...args]);
    assert.equal(applied.code, 1);
    assert.match(applied.stderr, /^✖ drafted: changed since the plan \(it was published\)/m);
    const saved = (await ctx.client.send(new DescribeViewCommand({ InstanceId: instanceId, ViewId: `${view.Id}:$SAVED` }))).View!;
    assert.equal(saved.Content!.Template, card('draft'), 'nothing written');
  });

  it('a saved plan with --prune deletes only the extra views still as planned: one edited or published since is kept', async () => {
    const instanceId = newInstanceId();
    const target = localTarget(ctx.service, instanceId);
    const args = targetArgs(ctx.service, instanceId);
    const [, , edited, published] = await Promise.all(
      ['kept', 'stale', 'edited', 'published'].map((name) =>
        createView(ctx.client, instanceId, { name, template: card(name), actions: ['Next'] }),
      ),
    );
    const write = (viewId: string, status: 'SAVED' | 'PUBLISHED', template: string) => writeContent(instanceId, viewId, status, template);
    await write(published!.Id!, 'SAVED', card('a draft'));
    const dir = newDir();
    await pullViews(target, { dir });
    for (const name of ['stale', 'edited', 'published']) rmSync(join(dir, `${name}.view.json`));

    // A plan made without --prune records nothing of the extra views: apply --prune refuses it whole.
    const unpruned = join(work, 'unpruned-plan.json');
    writeFileSync(unpruned, (await runCommand(ctx.service, ['plan', '--json', '--dir', dir, ...args])).stdout);
    const refused = await runCommand(ctx.service, ['apply', '--plan', unpruned, '--prune', '--yes', ...args]);
    assert.deepEqual(
      [refused.code, refused.stderr.trim()],
      [1, `connect-views: ${unpruned} was planned without --prune: plan again with plan --prune --json`],
    );

    const planFile = join(work, 'prune-plan.json');
    const shown = await runCommand(ctx.service, ['plan', '--prune', '--dir', dir, ...args]);
    assert.equal(shown.code, 2, 'deletions are changes');
    assert.match(shown.stdout, /^- delete {4}stale: not in the folder$/m);
    assert.match(shown.stdout, /3 to delete\.$/m);
    const planned = await runCommand(ctx.service, ['plan', '--prune', '--json', '--dir', dir, ...args]);
    writeFileSync(planFile, planned.stdout);
    assert.equal((JSON.parse(planned.stdout) as Plan).summary.extra, 3);
    // After the review: someone works on "edited", someone publishes "published"'s draft as it was
    // (its $SAVED sha stays the same; its $LATEST moves). Deleting either would lose that work.
    await write(edited!.Id!, 'SAVED', card('new work'));
    await write(published!.Id!, 'PUBLISHED', card('a draft'));
    const applied = await runCommand(ctx.service, ['apply', '--plan', planFile, '--prune', '--yes', ...args]);
    assert.equal(applied.code, 1);
    assert.match(applied.stderr, /^✖ edited: changed since the plan/m);
    assert.match(applied.stderr, /^✖ published: changed since the plan \(it was published\)/m);
    assert.match(applied.stdout, /^✔ deleted stale$/m);
    const left = (await listAllViews(target.client, instanceId)).map((view) => view.Name).sort();
    assert.deepEqual(left, ['edited', 'kept', 'published']);
    // Run again, the deleted view is already gone: nothing fails for it.
    const rerun = await applyPlan(target, JSON.parse(readFileSync(planFile, 'utf8')) as Plan, { prune: true });
    assert.deepEqual(
      rerun.outcomes.map((outcome) => `${outcome.name} ${outcome.status}`),
      ['edited failed', 'kept unchanged', 'published failed', 'stale deleted'],
    );
  });

  it('an apply stopped half-way (between a publish and its version) finishes when run again, and then has nothing to do', async () => {
    const source = newInstanceId();
    const instanceId = newInstanceId();
    for (let i = 0; i < 8; i++) await createView(ctx.client, source, { name: `view-${i}`, template: card(`v${i}`), actions: ['Next'] });
    const dir = newDir();
    await pullViews(localTarget(ctx.service, source), { dir });
    const target = localTarget(ctx.service, instanceId);
    const stop = new AbortController();
    let creates = 0;
    // Stopped right after the third creation: that view's version is the next step, and apply checks
    // the signal before it (stopping on any 5th step could land after a version already under way).
    const interrupted = await applyPlan(target, await planDirectory(target, dir), {
      version: 'v1',
      concurrency: 2,
      signal: stop.signal,
      onStep: (_name, step) => {
        if (step === 'create' && ++creates === 3) stop.abort();
      },
    });
    assert.ok(interrupted.summary.failed > 0, 'it was stopped half-way');
    assert.ok(
      interrupted.outcomes.some((outcome) => outcome.steps.includes('create') && !outcome.steps.includes('version')),
      'a view is left without its version',
    );
    const finished = await applyPlan(target, await planDirectory(target, dir), { version: 'v1' });
    assert.equal(finished.summary.failed, 0);
    const history = await Promise.all(Array.from({ length: 8 }, (_, i) => viewHistory(target, `view-${i}`)));
    for (const { view, rows } of history)
      assert.deepEqual(
        rows.map((row) => row.label),
        ['$SAVED', '$LATEST', '1'],
        view.name,
      );
    const third = await applyPlan(target, await planDirectory(target, dir), { version: 'v1' });
    assert.deepEqual([third.summary.created, third.summary.updated, third.summary.versions], [0, 0, 0]);
  });

  it('history, diff (versions, and a file against $LATEST) and rollback, which cuts a new version saying so', async () => {
    const instanceId = newInstanceId();
    const view = await createView(ctx.client, instanceId, { name: 'faq', template: card('v1'), actions: ['Next'] });
    await ctx.client.send(new CreateViewVersionCommand({ InstanceId: instanceId, ViewId: view.Id, VersionDescription: 'first' }));
    await ctx.client.send(
      new UpdateViewContentCommand({
        InstanceId: instanceId,
        ViewId: view.Id,
        Status: 'PUBLISHED',
        Content: { Template: card('v2'), Actions: ['Next'] },
      }),
    );
    await ctx.client.send(new CreateViewVersionCommand({ InstanceId: instanceId, ViewId: view.Id, VersionDescription: 'second' }));
    const target = localTarget(ctx.service, instanceId);

    const versions = await diffView(target, 'faq', ':1', ':2');
    assert.deepEqual(versions.entries, [{ kind: 'changed', path: '/template/Body/0/Props/Heading', before: 'v1', after: 'v2' }]);
    const dir = newDir();
    await pullViews(target, { dir });
    const path = join(dir, 'faq.view.json');
    const file = JSON.parse(readFileSync(path, 'utf8')) as ViewFile;
    (file.template as any).Body[0].Props.Heading = 'v3';
    file.actions = ['Next', 'Back'];
    writeFileSync(path, serializeViewFile(file));
    const againstFile = await diffView(target, view.Arn!, '$LATEST', path);
    assert.deepEqual(
      againstFile.entries.map((entry) => `${entry.kind} ${entry.path}`),
      ['added /actions/1', 'changed /template/Body/0/Props/Heading'],
    );

    // Content no version holds — an unpublished draft, then published content never cut as a
    // version — would be lost by a rollback (a publish replaces $SAVED and $LATEST): refused through
    // the function and the command, unless told to discard it.
    const draft = card('draft nobody published');
    const write = (status: 'SAVED' | 'PUBLISHED', template: string) => writeContent(instanceId, view.Id!, status, template);
    await write('SAVED', draft);
    const describe = async (qualifier: string) =>
      (await ctx.client.send(new DescribeViewCommand({ InstanceId: instanceId, ViewId: `${view.Id}:${qualifier}` }))).View!.Content!
        .Template;
    const rollbackArgs = ['rollback', 'faq', '--to', '1', ...targetArgs(ctx.service, instanceId)];
    await assert.rejects(rollbackView(target, view.Id!, 1), (error: UnversionedContentError) => {
      assert.deepEqual(error.lost, ['draft']);
      return true;
    });
    const refused = await runCommand(ctx.service, rollbackArgs);
    assert.equal(refused.code, 1);
    assert.match(
      refused.stderr,
      /^connect-views: .* has an unpublished draft \(\$SAVED\), which a rollback would replace .*--discard-unversioned/,
    );
    assert.equal(await describe('$SAVED'), draft, 'the draft is kept');
    // Published, but no version cut: what is published is now in no version.
    await write('PUBLISHED', draft);
    const unversioned = await runCommand(ctx.service, rollbackArgs);
    assert.equal(unversioned.code, 1);
    assert.match(unversioned.stderr, /has published content \(\$LATEST\) that no version holds, which a rollback would replace/);
    assert.equal(await describe('$LATEST'), draft, 'what is published is kept');
    assert.deepEqual(
      (await viewHistory(target, 'faq')).rows.map((row) => row.label),
      ['$SAVED', '$LATEST', '2', '1'],
      'no version cut',
    );
    // Rolling back to the very content that is published loses nothing: not refused.
    await write('PUBLISHED', card('v2'));
    const toPublished = await rollbackView(target, view.Id!, 2);
    assert.deepEqual([toPublished.created, toPublished.version], [false, 2]);
    await write('PUBLISHED', draft);

    const rolled = await runCommand(ctx.service, [...rollbackArgs, '--discard-unversioned']);
    assert.equal(rolled.code, 0, rolled.stderr);
    assert.match(rolled.stdout, /published version 1's content as version 3 \("Rollback to version 1"\)/);
    assert.equal(await describe('$SAVED'), card('v1'));
    const history = await viewHistory(target, 'faq');
    assert.deepEqual(
      history.rows.map((row) => [row.label, row.description ?? '', row.marks.join(',')]),
      [
        ['$SAVED', '', '= $LATEST'],
        ['$LATEST', '', ''],
        ['3', 'Rollback to version 1', '= $LATEST'],
        ['2', 'second', ''],
        ['1', 'first', ''],
      ],
    );
    assert.equal(history.rows[2]!.sha, history.rows[4]!.sha, 'version 3 holds version 1’s content');
    assert.deepEqual((await diffView(target, 'faq', ':1', '$LATEST')).entries, []);

    // Through the command: history lists the versions, diff exits 2 on differences and 0 without.
    const args = targetArgs(ctx.service, instanceId);
    const shown = await runCommand(ctx.service, ['history', 'faq', ...args]);
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, /^3 .*Rollback to version 1 {2}\[= \$LATEST\]$/m);
    assert.equal((await runCommand(ctx.service, ['diff', 'faq', ':1', ':2', ...args])).code, 2);
    const same = await runCommand(ctx.service, ['diff', 'faq', ':3', '$LATEST', ...args]);
    assert.deepEqual([same.code, same.stdout.trim()], [0, 'No differences.']);
    const missing = await runCommand(ctx.service, ['rollback', 'nope', '--to', '1', ...args]);
    assert.deepEqual([missing.code, missing.stderr.trim()], [1, 'connect-views: nope: no view of that name, id or ARN in the instance']);
  });

  it('rollback to the very content that is unversioned loses nothing, and is not refused', async () => {
    const instanceId = newInstanceId();
    const target = localTarget(ctx.service, instanceId);
    const view = await createView(ctx.client, instanceId, { name: 'back', template: card('A'), actions: ['Next'] });
    const write = (status: 'SAVED' | 'PUBLISHED', heading: string) => writeContent(instanceId, view.Id!, status, card(heading));
    await ctx.client.send(new CreateViewVersionCommand({ InstanceId: instanceId, ViewId: view.Id }));
    await write('PUBLISHED', 'B');
    await ctx.client.send(new CreateViewVersionCommand({ InstanceId: instanceId, ViewId: view.Id }));
    // A published again without a version: no version but 1 holds it, and a rollback to 1 keeps it.
    await write('PUBLISHED', 'A');
    const toA = await rollbackView(target, view.Id!, 1);
    assert.deepEqual([toA.created, toA.version], [true, 3]);
    // A draft of exactly version 2's content: a rollback to 2 publishes it, nothing is lost.
    await write('SAVED', 'B');
    const toB = await rollbackView(target, view.Id!, 2);
    assert.deepEqual([toB.created, toB.version], [true, 4]);
    // The same draft, rolling back to 1: that draft would be lost.
    await write('SAVED', 'C');
    await assert.rejects(rollbackView(target, view.Id!, 1), UnversionedContentError);
  });

  it('the command: pull, plan exit codes 2 then 0, extra views listed and left alone, prune needs --yes when piped', async () => {
    const a = newInstanceId();
    const b = newInstanceId();
    await seed(a);
    await createView(ctx.client, b, { name: 'only in b', template: card('b'), actions: ['Next'] });
    const dir = newDir();
    const pulled = await runCommand(ctx.service, ['pull', '--dir', dir, ...targetArgs(ctx.service, a)]);
    assert.equal(pulled.code, 0, pulled.stderr);
    assert.equal(pulled.stdout.trim(), `Pulled 3 views into ${dir}: 3 written, 0 unchanged, 0 removed.`);
    assert.equal(pulled.stderr, '', 'no progress when piped');
    const planned = await runCommand(ctx.service, ['plan', '--dir', dir, ...targetArgs(ctx.service, b)]);
    assert.equal(planned.code, 2, planned.stderr);
    assert.match(planned.stdout, /^\? extra {5}only in b: not in the folder, left alone/m);
    assert.match(planned.stdout, /^Plan: 3 to create, 0 to update, 0 unchanged, 1 only in the instance \(left alone\)\.$/m);
    const pruneRefused = await runCommand(ctx.service, ['apply', '--prune', '--dir', dir, ...targetArgs(ctx.service, b)]);
    assert.equal(pruneRefused.code, 1);
    assert.match(pruneRefused.stderr, /would delete 1 views \(only in b\): pass --yes/);
    const applied = await runCommand(ctx.service, ['apply', '--dir', dir, '--version', 'from git', ...targetArgs(ctx.service, b)]);
    assert.equal(applied.code, 0, applied.stderr);
    assert.match(applied.stdout, /3 created, 0 updated, 0 deleted, 0 failed, 1 unchanged; 2 versions cut\./);
    const clean = await runCommand(ctx.service, ['plan', '--dir', dir, ...targetArgs(ctx.service, b)]);
    assert.equal(clean.code, 0, clean.stdout);
    const pruned = await runCommand(ctx.service, ['apply', '--prune', '--yes', '--dir', dir, ...targetArgs(ctx.service, b)]);
    assert.match(pruned.stdout, /^✔ deleted only in b$/m);
    const json = JSON.parse(
      (await runCommand(ctx.service, ['plan', '--json', '--dir', dir, ...targetArgs(ctx.service, b)])).stdout,
    ) as Plan;
    assert.deepEqual(json.summary, { create: 0, update: 0, unchanged: 3, extra: 0, skip: 0 });
    const loaded = await readViewDir(dir);
    assert.equal(loaded.length, 3);
  });

  it('the command: errors in one line, for a missing region and a bad folder', async () => {
    const noRegion = await runCommand(ctx.service, ['plan', '--dir', work, '--instance-id', 'i', '--endpoint-url', ctx.service.url], {
      unset: ['AWS_REGION', 'AWS_DEFAULT_REGION'],
      env: { AWS_CONFIG_FILE: join(work, 'none'), AWS_SHARED_CREDENTIALS_FILE: join(work, 'none') },
    });
    assert.deepEqual(
      [noRegion.code, noRegion.stderr.trim()],
      [1, 'connect-views: No AWS region: pass --region, set AWS_REGION, or name a profile with a region (--profile).'],
    );
    const noDir = await runCommand(ctx.service, ['plan', '--dir', join(work, 'missing'), ...targetArgs(ctx.service, newInstanceId())]);
    assert.equal(noDir.code, 1);
    assert.equal(noDir.stderr.trim().split('\n').length, 1, noDir.stderr);
    assert.match(noDir.stderr, /no such file or directory/);
  });

  it('the command on a terminal: one progress line on stderr, rewritten in place and cleared at the end', async () => {
    const instanceId = newInstanceId();
    for (let i = 0; i < 5; i++)
      await createView(ctx.client, instanceId, { name: `tty-${i}`, template: card(String(i)), actions: ['Next'] });
    let stderr = '';
    let stdout = '';
    const terminal = (write: (text: string) => void) =>
      Object.assign(
        new Writable({
          write(chunk, _encoding, done) {
            write(chunk.toString());
            done();
          },
        }),
        { isTTY: true },
      );
    const saved = { id: process.env['AWS_ACCESS_KEY_ID'], secret: process.env['AWS_SECRET_ACCESS_KEY'] };
    process.env['AWS_ACCESS_KEY_ID'] = ctx.service.accessKeyId;
    process.env['AWS_SECRET_ACCESS_KEY'] = ctx.service.secretAccessKey;
    try {
      const code = await main(['pull', '--dir', newDir(), ...targetArgs(ctx.service, instanceId)], {
        stdout: terminal((text) => (stdout += text)),
        stderr: terminal((text) => (stderr += text)),
        stdinIsTTY: true,
      });
      assert.equal(code, 0);
    } finally {
      for (const [name, value] of [
        ['AWS_ACCESS_KEY_ID', saved.id],
        ['AWS_SECRET_ACCESS_KEY', saved.secret],
      ] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
    assert.ok(stderr.startsWith('\r\u001b[K0/5'), JSON.stringify(stderr));
    assert.ok(stderr.includes('\r\u001b[K5/5'), JSON.stringify(stderr));
    assert.ok(stderr.endsWith('\r\u001b[K'), 'the line is cleared at the end');
    assert.doesNotMatch(stderr, /\n/, 'one line, never a new one');
    assert.match(stdout, /^Pulled 5 views into /);
  });

  it('guarded writes: publish and rollback refuse a view that moved; a version is never cut of content someone else wrote', async () => {
    const instanceId = newInstanceId();
    const view = await createView(ctx.client, instanceId, { name: 'guarded', template: card('v1'), actions: ['Next'] });
    await ctx.client.send(new CreateViewVersionCommand({ InstanceId: instanceId, ViewId: view.Id }));
    const content = { template: JSON.parse(card('mine')), actions: ['Next'] };
    const describe = async (qualifier: string) =>
      (await ctx.client.send(new DescribeViewCommand({ InstanceId: instanceId, ViewId: `${view.Id}:${qualifier}` }))).View!;

    const stale = await publishGuarded(ctx.client, instanceId, view.Id!, content, {
      expectedSha: 'f'.repeat(64),
      since: 'it was loaded',
    }).then(
      () => assert.fail('wrote over a view that moved'),
      (error: unknown) => error,
    );
    assert.ok(stale instanceof ChangedSinceReadError);
    assert.match(stale.message, /^changed since it was loaded: its content is now [0-9a-f]{12}, not ffffffffffff$/);
    assert.equal((await describe('$SAVED')).Content!.Template, card('v1'), 'nothing written');

    const written = await publishGuarded(ctx.client, instanceId, view.Id!, content, { expectedSha: view.ViewContentSha256! });
    // Someone publishes between this tool's write and its version.
    await ctx.client.send(
      new UpdateViewContentCommand({
        InstanceId: instanceId,
        ViewId: view.Id,
        Status: 'PUBLISHED',
        Content: { Template: card('theirs'), Actions: ['Next'] },
      }),
    );
    await assert.rejects(cutVersionGuarded(ctx.client, instanceId, view.Id!, written.sha, 'mine'), ChangedSinceReadError);
    assert.deepEqual(
      (await viewHistory(localTarget(ctx.service, instanceId), view.Id!)).rows.map((row) => row.label),
      ['$SAVED', '$LATEST', '1'],
      'no version of their content under my description',
    );

    await assert.rejects(rollbackGuarded(ctx.client, instanceId, view.Id!, 1, { expectedSha: written.sha }), ChangedSinceReadError);
    assert.equal((await describe('$LATEST')).Content!.Template, card('theirs'));
    await ctx.client.send(new CreateViewVersionCommand({ InstanceId: instanceId, ViewId: view.Id, VersionDescription: 'theirs' }));
    const rolled = await rollbackGuarded(ctx.client, instanceId, view.Id!, 1);
    assert.deepEqual([rolled.version, rolled.created], [3, true]);
    const again = await rollbackGuarded(ctx.client, instanceId, view.Id!, 1);
    assert.deepEqual([again.version, again.created], [3, false], 'the newest version already holds that content: nothing new is cut');
  });

  it('the command signs for execute-api when told (what the deployed API Gateway accepts)', async () => {
    const instanceId = newInstanceId();
    await createView(ctx.client, instanceId, { name: 'signed', template: card('s'), actions: ['Next'] });
    const pulled = await runCommand(ctx.service, [
      'pull',
      '--dir',
      newDir(),
      '--signing-name',
      'execute-api',
      ...targetArgs(ctx.service, instanceId),
    ]);
    assert.equal(pulled.code, 0, pulled.stderr);
    const wrong = await runCommand(ctx.service, [
      'pull',
      '--dir',
      newDir(),
      '--signing-name',
      'lambda',
      ...targetArgs(ctx.service, instanceId),
    ]);
    assert.equal(wrong.code, 1);
    assert.equal(wrong.stderr.trim().split('\n').length, 1, wrong.stderr);
    assert.match(wrong.stderr, /^connect-views: InvalidSignatureException: /);
  });
});
