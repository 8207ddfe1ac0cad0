import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { mapLimit } from '../../cli/concurrency.ts';
import { applyPlan } from '../../cli/apply.ts';
import { planDirectory } from '../../cli/plan.ts';
import { pullViews } from '../../cli/pull.ts';
import { listAllViews } from '../../cli/view-content.ts';
import { createView } from '../support/fixtures.ts';
import { newInstanceId, useTestService } from '../support/service.ts';
import { localTarget, runCommand, targetArgs } from '../support/views-as-code.ts';

/**
 * 300 views pulled, planned and applied (figures printed for docs/performance.md, never asserted),
 * and an apply of them killed half-way that a re-run finishes. A heavy writer
 * (test/support/service.ts): thousands of items.
 */
const ctx = useTestService();
const work = mkdtempSync(join(tmpdir(), 'views-scale-'));
after(() => rmSync(work, { recursive: true, force: true }));
const VIEWS = 300;

function template(i: number): string {
  return JSON.stringify({
    Head: { Title: '$.Title', Configuration: { Layout: { Columns: ['8', '4'] } } },
    Body: [
      {
        _id: `form-${i}`,
        Type: 'Form',
        Props: { Heading: `Form ${i}` },
        Content: [{ Type: 'FormInput', Props: { Name: 'email', Label: 'Email' } }],
      },
      { _id: `card-${i}`, Type: 'Card', Props: { Heading: '$.Customer.Name', Description: `Card ${i}`, Action: 'Select' } },
      { _id: `button-${i}`, Type: 'Button', Props: { Label: 'Next', Action: 'Next' } },
    ],
  });
}

async function timed<T>(label: string, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await work();
  console.log(`# ${label}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return result;
}

describe(`${VIEWS} views`, () => {
  const source = newInstanceId();
  const dir = join(work, 'views');

  it('pull, plan and apply them to an empty instance, then plan and apply again with nothing to do', async () => {
    await timed(`seed ${VIEWS} views (CreateView, 8 at a time)`, () =>
      mapLimit(
        Array.from({ length: VIEWS }, (_, i) => i),
        8,
        (i) =>
          createView(ctx.client, source, {
            name: `view ${String(i).padStart(3, '0')}`,
            template: template(i),
            actions: ['Select', 'Next'],
            tags: { n: String(i) },
          }),
      ),
    );
    const pulled = await timed(`pull ${VIEWS} views`, () => pullViews(localTarget(ctx.service, source), { dir }));
    assert.equal(pulled.views, VIEWS);
    assert.equal(readdirSync(dir).length, VIEWS);

    const target = localTarget(ctx.service, newInstanceId());
    const plan = await timed(`plan ${VIEWS} views against an empty instance`, () => planDirectory(target, dir));
    assert.equal(plan.summary.create, VIEWS);
    const applied = await timed(`apply ${VIEWS} creations with --version`, () => applyPlan(target, plan, { version: 'v1' }));
    assert.deepEqual([applied.summary.created, applied.summary.failed, applied.summary.versions], [VIEWS, 0, VIEWS]);
    const replan = await timed(`plan ${VIEWS} unchanged views`, () => planDirectory(target, dir));
    assert.equal(replan.summary.unchanged, VIEWS);
    const again = await timed(`apply ${VIEWS} unchanged views (nothing to do)`, () => applyPlan(target, replan));
    assert.deepEqual([again.summary.created, again.summary.updated, again.summary.failed], [0, 0, 0]);
  });

  it('an apply killed half-way (SIGKILL) finishes when run again', async () => {
    const instanceId = newInstanceId();
    const target = localTarget(ctx.service, instanceId);
    const child = spawn(
      process.execPath,
      ['bin/connect-views.ts', 'apply', '--dir', dir, '--version', 'v1', ...targetArgs(ctx.service, instanceId)],
      {
        env: { ...process.env, AWS_ACCESS_KEY_ID: ctx.service.accessKeyId, AWS_SECRET_ACCESS_KEY: ctx.service.secretAccessKey },
        stdio: 'ignore',
      },
    );
    const exited = new Promise((resolve) => child.once('exit', resolve));
    let created = 0;
    while (created < 40) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      created = (await listAllViews(target.client, instanceId)).length;
    }
    child.kill('SIGKILL');
    await exited;
    created = (await listAllViews(target.client, instanceId)).length;
    console.log(`# killed after ${created} of ${VIEWS} views were created`);
    assert.ok(created < VIEWS, 'killed half-way');

    const rerun = await timed('re-run of the killed apply', () =>
      runCommand(ctx.service, ['apply', '--dir', dir, '--version', 'v1', ...targetArgs(ctx.service, instanceId)]),
    );
    assert.equal(rerun.code, 0, rerun.stderr);
    assert.equal((await listAllViews(target.client, instanceId)).length, VIEWS);
    const third = await runCommand(ctx.service, ['apply', '--dir', dir, '--version', 'v1', ...targetArgs(ctx.service, instanceId)]);
    assert.match(third.stdout, new RegExp(`0 created, 0 updated, 0 deleted, 0 failed, ${VIEWS} unchanged; 0 versions cut\\.`));
    const plan = await runCommand(ctx.service, ['plan', '--dir', dir, ...targetArgs(ctx.service, instanceId)]);
    assert.equal(plan.code, 0, plan.stdout);
  });
});
