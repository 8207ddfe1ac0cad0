import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  CreateViewCommand,
  CreateViewVersionCommand,
  DeleteViewCommand,
  DeleteViewVersionCommand,
  DescribeViewCommand,
  ListViewsCommand,
  ListViewVersionsCommand,
  UpdateViewContentCommand,
  type ConnectClient,
} from '@aws-sdk/client-connect';
import type { ViewStore } from '#store/view-store.ts';
import { createView, listAllVersions, template, uniqueName } from '../support/fixtures.ts';
import { newInstanceId, useTestService } from '../support/service.ts';

/**
 * Model-based test: random sequences of content writes, publishes (with no, current or stale sha),
 * version deletions, other views created and deleted in the instance, and reads run against the
 * real service and a ten-line model of the version rules; every answer must be the model's. After
 * every command, each count the store keeps is checked against a recount: the view's version count
 * against its versions listed, the instance's view count against its views listed.
 */
const ctx = useTestService();

interface Model {
  /** Content is named by a small number k: template(k). */
  saved: number;
  latest?: number;
  counter: number;
  /** Version number → content k. */
  versions: Map<number, number>;
  /** The highest version while it exists (cleared when it is deleted). */
  highest?: number;
  shaOf: Map<number, string>;
  /** The instance's other views (beside the one whose versions are modelled). */
  others: string[];
}

interface Real {
  client: ConnectClient;
  store: ViewStore;
  instanceId: string;
  viewId: string;
}

/** The counts the store keeps (it reads them in one request, where a recount would take many), recounted. */
async function checkCounts(model: Model, real: Real, after: string) {
  const head = await real.store.readHead(real.instanceId, real.viewId);
  const listed = await listAllVersions(real.client, real.instanceId, real.viewId, 2);
  assert.equal(head!.versions, listed.length, `after ${after}: the view's version count = its versions`);
  assert.equal(listed.length, model.versions.size);
  const { ViewsSummaryList } = await real.client.send(new ListViewsCommand({ InstanceId: real.instanceId }));
  assert.equal(ViewsSummaryList!.length, 1 + model.others.length);
  assert.equal(await real.store.readViewCount(real.instanceId), ViewsSummaryList!.length, `after ${after}: the view count = its views`);
}

async function errorName(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => 'success',
    (error: Error) => error.name,
  );
}

class UpdateContent implements fc.AsyncCommand<Model, Real> {
  readonly k: number;
  readonly status: 'SAVED' | 'PUBLISHED';
  constructor(k: number, status: 'SAVED' | 'PUBLISHED') {
    this.k = k;
    this.status = status;
  }
  check = () => true;
  async run(model: Model, real: Real) {
    const { View } = await real.client.send(
      new UpdateViewContentCommand({
        InstanceId: real.instanceId,
        ViewId: real.viewId,
        Status: this.status,
        Content: { Template: template(this.k), Actions: ['Go'] },
      }),
    );
    const known = model.shaOf.get(this.k);
    if (known) assert.equal(View!.ViewContentSha256, known, 'equal content, equal sha');
    model.shaOf.set(this.k, View!.ViewContentSha256!);
    model.saved = this.k;
    if (this.status === 'PUBLISHED') model.latest = this.k;
    await checkCounts(model, real, this.toString());
  }
  toString = () => `update(${this.k}, ${this.status})`;
}

class Publish implements fc.AsyncCommand<Model, Real> {
  readonly precondition: 'none' | 'current' | 'stale';
  constructor(precondition: 'none' | 'current' | 'stale') {
    this.precondition = precondition;
  }
  #staleSha(model: Model): string | undefined {
    return [...model.shaOf.entries()].find(([k]) => k !== model.latest)?.[1];
  }
  check = (model: Readonly<Model>) => this.precondition !== 'stale' || this.#staleSha(model as Model) !== undefined;
  async run(model: Model, real: Real) {
    const sha =
      this.precondition === 'current' && model.latest !== undefined
        ? model.shaOf.get(model.latest)
        : this.precondition === 'stale'
          ? this.#staleSha(model)
          : undefined;
    const request = new CreateViewVersionCommand({
      InstanceId: real.instanceId,
      ViewId: real.viewId,
      ...(sha ? { ViewContentSha256: sha } : {}),
    });
    if (model.latest === undefined) {
      assert.equal(await errorName(real.client.send(request)), 'InvalidRequestException');
      return;
    }
    if (this.precondition === 'stale') {
      assert.equal(await errorName(real.client.send(request)), 'ResourceInUseException');
      return;
    }
    const { View } = await real.client.send(request);
    if (model.highest !== undefined && model.versions.get(model.highest) === model.latest) {
      assert.equal(View!.Version, model.highest, 'unchanged $LATEST returns the highest version');
    } else {
      model.counter += 1;
      model.versions.set(model.counter, model.latest);
      model.highest = model.counter;
      assert.equal(View!.Version, model.counter, 'a new version takes the next number ever minted');
    }
    assert.equal(View!.Content!.Template, template(model.latest));
    await checkCounts(model, real, this.toString());
  }
  toString = () => `publish(${this.precondition})`;
}

class DeleteVersion implements fc.AsyncCommand<Model, Real> {
  readonly pick: number;
  constructor(pick: number) {
    this.pick = pick;
  }
  check = () => true;
  async run(model: Model, real: Real) {
    const existing = [...model.versions.keys()];
    // Mostly an existing version; sometimes one past the counter, which never existed.
    const version = existing.length > 0 && this.pick % 4 !== 0 ? existing[this.pick % existing.length]! : model.counter + 1;
    const outcome = await errorName(
      real.client.send(new DeleteViewVersionCommand({ InstanceId: real.instanceId, ViewId: real.viewId, ViewVersion: version })),
    );
    if (!model.versions.has(version)) {
      assert.equal(outcome, 'ResourceNotFoundException');
      return;
    }
    assert.equal(outcome, 'success');
    model.versions.delete(version);
    if (model.highest === version) delete model.highest;
    await checkCounts(model, real, this.toString());
  }
  toString = () => `deleteVersion(#${this.pick})`;
}

class CreateOther implements fc.AsyncCommand<Model, Real> {
  check = () => true;
  async run(model: Model, real: Real) {
    const { View } = await real.client.send(
      new CreateViewCommand({ InstanceId: real.instanceId, Name: uniqueName('other'), Status: 'SAVED', Content: { Template: '{}' } }),
    );
    model.others.push(View!.Id!);
    await checkCounts(model, real, this.toString());
  }
  toString = () => 'createOther';
}

class DeleteOther implements fc.AsyncCommand<Model, Real> {
  readonly pick: number;
  constructor(pick: number) {
    this.pick = pick;
  }
  check = (model: Readonly<Model>) => model.others.length > 0;
  async run(model: Model, real: Real) {
    const [viewId] = model.others.splice(this.pick % model.others.length, 1);
    await real.client.send(new DeleteViewCommand({ InstanceId: real.instanceId, ViewId: viewId }));
    await checkCounts(model, real, this.toString());
  }
  toString = () => `deleteOther(#${this.pick})`;
}

class ReadBack implements fc.AsyncCommand<Model, Real> {
  check = () => true;
  async run(model: Model, real: Real) {
    const { ViewVersionSummaryList } = await real.client.send(
      new ListViewVersionsCommand({ InstanceId: real.instanceId, ViewId: real.viewId }),
    );
    const expected = [...model.versions.keys()].sort((a, b) => b - a);
    assert.deepEqual(
      ViewVersionSummaryList!.map((v) => v.Version),
      expected,
    );
    for (const [version, k] of model.versions) {
      const { View } = await real.client.send(
        new DescribeViewCommand({ InstanceId: real.instanceId, ViewId: `${real.viewId}:${version}` }),
      );
      assert.equal(View!.Content!.Template, template(k), `version ${version} never changes`);
    }
    const saved = await real.client.send(new DescribeViewCommand({ InstanceId: real.instanceId, ViewId: `${real.viewId}:$SAVED` }));
    assert.equal(saved.View!.Content!.Template, template(model.saved));
  }
  toString = () => 'readBack';
}

describe('the version rules against a model', () => {
  it('hold for random sequences of writes, publishes and deletions', async () => {
    const commands = [
      fc
        .tuple(fc.integer({ min: 0, max: 3 }), fc.constantFrom('SAVED' as const, 'PUBLISHED' as const))
        .map(([k, s]) => new UpdateContent(k, s)),
      fc.constantFrom('none' as const, 'current' as const, 'stale' as const).map((p) => new Publish(p)),
      fc.nat(12).map((pick) => new DeleteVersion(pick)),
      fc.constant(new ReadBack()),
      fc.constant(new CreateOther()),
      fc.nat(8).map((pick) => new DeleteOther(pick)),
    ];
    let runs = 0;
    let steps = 0;
    await fc.assert(
      fc.asyncProperty(fc.commands(commands, { maxCommands: 25 }), async (sequence) => {
        runs++;
        const instanceId = newInstanceId();
        const view = await createView(ctx.client, instanceId, { status: 'SAVED', template: template(0), actions: ['Go'] });
        const model: Model = { saved: 0, counter: 0, versions: new Map(), shaOf: new Map([[0, view.ViewContentSha256!]]), others: [] };
        const real: Real = { client: ctx.client, store: ctx.service.store, instanceId, viewId: view.Id! };
        await fc.asyncModelRun(() => ({ model, real }), sequence);
        steps += [...sequence].length;
        await new ReadBack().run(model, real);
      }),
      { numRuns: 80 },
    );
    console.log(`# model-based: ${runs} sequences, ${steps} commands`);
  });
});
