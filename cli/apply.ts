import {
  CreateViewCommand,
  DeleteViewCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateViewMetadataCommand,
  type ConnectClient,
} from '@aws-sdk/client-connect';
import { mapLimit } from './concurrency.ts';
import { ChangedSinceReadError, cutVersionGuarded, publishGuarded } from './guarded-writes.ts';
import type { Plan, PlanEntry } from './plan.ts';
import type { Progress } from './pull.ts';
import type { Target } from './target.ts';
import { highestVersion, readView, sameContent, templateTextOf } from './view-content.ts';
import { publishedContent, savedContent } from './view-files.ts';

export type ApplyStep = 'create' | 'content' | 'draft' | 'metadata' | 'tags' | 'version' | 'delete';

export interface ApplyOptions {
  concurrency?: number;
  /** Cut a version (with this description) of what each view publishes: guarded by the sha apply wrote. */
  version?: string;
  /** Delete the views the folder lacks (the plan's `extra`). */
  prune?: boolean;
  onProgress?: Progress;
  /** Told after each write; a script (or a test) may stop the run there. */
  onStep?: (name: string, step: ApplyStep) => void;
  /** Stops starting new writes once aborted: what a killed run leaves, for a re-run to finish. */
  signal?: AbortSignal;
}

export interface ApplyOutcome {
  name: string;
  action: PlanEntry['action'];
  status: 'created' | 'updated' | 'unchanged' | 'deleted' | 'failed' | 'skipped';
  steps: ApplyStep[];
  viewId?: string;
  arn?: string;
  version?: number;
  /** One line: the cause of a failure. */
  error?: string;
  errorName?: string;
}

export interface ApplyResult {
  outcomes: ApplyOutcome[];
  summary: { created: number; updated: number; deleted: number; unchanged: number; failed: number; skipped: number; versions: number };
}

class Aborted extends Error {
  override name = 'AbortError';
}

/**
 * Carries out a plan: each view on its own (a failure stops that view only), with at most
 * `concurrency` at once. Every content write is guarded by the sha the plan read; a version is cut
 * with the sha apply itself wrote.
 */
export async function applyPlan(target: Target, plan: Plan, options: ApplyOptions = {}): Promise<ApplyResult> {
  const work = plan.entries.filter(
    (entry) =>
      entry.action === 'create' ||
      entry.action === 'update' ||
      (entry.action === 'extra' && options.prune) ||
      (entry.action === 'unchanged' && options.version),
  );
  let done = 0;
  options.onProgress?.(0, work.length, 'applying');
  const results = new Map<PlanEntry, ApplyOutcome>();
  await mapLimit(work, options.concurrency ?? 4, async (entry) => {
    const outcome: ApplyOutcome = {
      name: entry.name,
      action: entry.action,
      status: 'unchanged',
      steps: [],
      ...(entry.viewId ? { viewId: entry.viewId } : {}),
      ...(entry.arn ? { arn: entry.arn } : {}),
    };
    try {
      await applyOne(target.client, target.instanceId, entry, outcome, options);
    } catch (error) {
      outcome.status = 'failed';
      outcome.errorName = (error as Error).name;
      outcome.error = error instanceof ChangedSinceReadError || error instanceof Aborted ? error.message : oneLine(error);
    }
    results.set(entry, outcome);
    options.onProgress?.(++done, work.length, entry.name);
  });
  const outcomes = plan.entries.map(
    (entry) =>
      results.get(entry) ?? {
        name: entry.name,
        action: entry.action,
        status: entry.action === 'skip' ? ('skipped' as const) : ('unchanged' as const),
        steps: [],
        ...(entry.viewId ? { viewId: entry.viewId } : {}),
        ...(entry.arn ? { arn: entry.arn } : {}),
      },
  );
  const count = (status: ApplyOutcome['status']) => outcomes.filter((outcome) => outcome.status === status).length;
  return {
    outcomes,
    summary: {
      created: count('created'),
      updated: count('updated'),
      deleted: count('deleted'),
      unchanged: count('unchanged'),
      failed: count('failed'),
      skipped: count('skipped'),
      versions: outcomes.filter((outcome) => outcome.steps.includes('version')).length,
    },
  };
}

export function oneLine(error: unknown): string {
  const err = error as Error;
  const message = (err?.message ?? String(error)).split('\n')[0]!;
  return err?.name && err.name !== 'Error' && !message.startsWith(err.name) ? `${err.name}: ${message}` : message;
}

async function applyOne(
  client: ConnectClient,
  instanceId: string,
  entry: PlanEntry,
  outcome: ApplyOutcome,
  options: ApplyOptions,
): Promise<void> {
  const step = (name: ApplyStep) => {
    outcome.steps.push(name);
    options.onStep?.(entry.name, name);
  };
  const check = () => {
    if (options.signal?.aborted) throw new Aborted('stopped before it was finished: run apply again to finish it');
  };
  check();
  if (entry.action === 'extra') {
    // DeleteView has no condition either: the same read-before-write guard as a content write.
    // Both aliases: publishing the draft as it was moves $LATEST and leaves $SAVED's sha as it was.
    const [saved, latest] = await Promise.all([
      readView(client, instanceId, entry.viewId!, '$SAVED'),
      readView(client, instanceId, entry.viewId!, '$LATEST'),
    ]);
    if (saved === undefined && latest === undefined) {
      outcome.status = 'deleted';
      return;
    }
    if (entry.expectedSavedSha === undefined) throw new Error('the plan was made without --prune: plan again with --prune');
    if (saved?.sha !== entry.expectedSavedSha) throw new ChangedSinceReadError(entry.viewId!, entry.expectedSavedSha, saved?.sha);
    if (latest?.sha !== entry.latestSha) {
      throw new ChangedSinceReadError(entry.viewId!, entry.latestSha ?? '', latest?.sha, 'the plan (it was published)');
    }
    await client.send(new DeleteViewCommand({ InstanceId: instanceId, ViewId: entry.viewId! }));
    step('delete');
    outcome.status = 'deleted';
    return;
  }
  const desired = entry.desired!;
  const published = publishedContent(desired);
  let latestSha = entry.latestSha;
  let savedSha = entry.expectedSavedSha;
  let viewId = entry.viewId;

  if (entry.action === 'create') {
    const initial = published ?? savedContent(desired);
    const { View } = await client.send(
      new CreateViewCommand({
        InstanceId: instanceId,
        Name: desired.name,
        Status: published ? 'PUBLISHED' : 'SAVED',
        Content: { Template: templateTextOf(initial), Actions: initial.actions },
        ...(desired.description !== undefined ? { Description: desired.description } : {}),
        ...(Object.keys(desired.tags).length > 0 ? { Tags: desired.tags } : {}),
      }),
    );
    viewId = View!.Id!;
    outcome.viewId = viewId;
    outcome.arn = View!.Arn!;
    savedSha = View!.ViewContentSha256!;
    if (published) latestSha = savedSha;
    step('create');
    outcome.status = 'created';
    if (published && desired.draft && !sameContent(desired.draft, published)) {
      check();
      const guard = { expectedSha: savedSha, since: 'apply created it' };
      savedSha = (await publishGuarded(client, instanceId, viewId, desired.draft, guard, { status: 'SAVED' })).sha;
      step('draft');
    }
  } else if (entry.action === 'update') {
    // Publishing the draft as it was leaves $SAVED's sha as it was and moves $LATEST: a publish since
    // the plan is a change since the plan too.
    const current = await readView(client, instanceId, viewId!, '$LATEST');
    if (current?.sha !== entry.latestSha) {
      throw new ChangedSinceReadError(viewId!, entry.latestSha ?? '', current?.sha, 'the plan (it was published)');
    }
    check();
    if (entry.changes.includes('content') && published) {
      const written = await publishGuarded(client, instanceId, viewId!, published, { expectedSha: savedSha ?? '' });
      latestSha = written.sha;
      savedSha = written.sha;
      step('content');
    }
    if (entry.changes.includes('draft')) {
      check();
      const since = entry.changes.includes('content') ? 'apply published it' : 'the plan';
      savedSha = (
        await publishGuarded(
          client,
          instanceId,
          viewId!,
          savedContent(desired),
          { expectedSha: savedSha ?? '', since },
          { status: 'SAVED' },
        )
      ).sha;
      step('draft');
    }
    if (entry.changes.includes('metadata') && desired.description !== undefined) {
      check();
      await client.send(new UpdateViewMetadataCommand({ InstanceId: instanceId, ViewId: viewId!, Description: desired.description }));
      step('metadata');
    }
    if (entry.tags) {
      check();
      if (Object.keys(entry.tags.set).length > 0)
        await client.send(new TagResourceCommand({ resourceArn: entry.arn!, tags: entry.tags.set }));
      if (entry.tags.remove.length > 0)
        await client.send(new UntagResourceCommand({ resourceArn: entry.arn!, tagKeys: entry.tags.remove }));
      step('tags');
    }
    outcome.status = 'updated';
  }

  if (options.version && published && latestSha) {
    check();
    // An unchanged view is versioned only when its published content has no version yet: what an
    // interrupted run leaves. CreateViewVersion itself returns the highest version for unchanged content.
    const before = entry.action === 'unchanged' ? await highestVersion(client, instanceId, viewId!) : undefined;
    const cut = await cutVersionGuarded(
      client,
      instanceId,
      viewId!,
      latestSha,
      options.version,
      before === undefined ? {} : { knownHighest: before },
    );
    outcome.version = cut.version;
    if (cut.created) step('version');
  }
}
