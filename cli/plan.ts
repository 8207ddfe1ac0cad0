import { mapLimit } from './concurrency.ts';
import type { Progress } from './pull.ts';
import { structuralDiff, type DiffEntry, type DiffSubject } from './structural-diff.ts';
import type { Target } from './target.ts';
import { compareText, listAllViews, readView, sameContent, type ViewContentData } from './view-content.ts';
import { publishedContent, readViewDir, savedContent, viewFileFromSnapshots, type LoadedViewFile, type ViewFile } from './view-files.ts';

/** What applying changes about one view's aspect. */
export type ChangeKind = 'content' | 'draft' | 'metadata' | 'tags';

export interface PlanEntry {
  name: string;
  /**
   * create: not in the instance; update: some aspect differs; unchanged; extra: in the instance
   * but not in the folder (left alone unless pruned); skip: a file apply cannot act on.
   */
  action: 'create' | 'update' | 'unchanged' | 'extra' | 'skip';
  changes: ChangeKind[];
  /** The file it came from. */
  file?: string;
  viewId?: string;
  arn?: string;
  /** `$SAVED`'s sha when planned: apply writes only while it is still this. */
  expectedSavedSha?: string;
  /** `$LATEST`'s sha when planned (absent: nothing published). */
  latestSha?: string;
  desired?: ViewFile;
  diff: DiffEntry[];
  tags?: { set: Record<string, string>; remove: string[] };
  notes: string[];
}

export interface Plan {
  format: 'connect-views-plan/1';
  instanceId: string;
  createdAt: string;
  entries: PlanEntry[];
  summary: { create: number; update: number; unchanged: number; extra: number; skip: number };
  /** Planned with --prune: the extra views are to be deleted, each while it is still as read here. */
  prune?: boolean;
}

export interface PlanOptions {
  concurrency?: number;
  onProgress?: Progress;
  /**
   * The files say only what is published (promote): the instance's unpublished drafts are left as
   * they are, not planned away. Default false: a file without a draft means `$SAVED` = `$LATEST`.
   */
  keepDrafts?: boolean;
  /**
   * Plan the deletion of the extra views (`plan --prune`, `apply --prune`): read what each holds
   * (`$SAVED` and `$LATEST` shas), so that apply deletes only those still as planned. Without it
   * the extras are listed from ListViews alone, with no read each.
   */
  prune?: boolean;
}

function subjectOf(file: ViewFile | undefined): DiffSubject {
  if (!file) return {};
  return {
    name: file.name,
    ...(file.description !== undefined ? { description: file.description } : {}),
    ...(file.actions !== undefined ? { actions: file.actions } : {}),
    ...(file.template !== undefined ? { template: file.template } : {}),
    tags: file.tags,
    ...(file.draft !== undefined ? { draft: file.draft } : {}),
  };
}

function tagChanges(current: Record<string, string>, desired: Record<string, string>): { set: Record<string, string>; remove: string[] } {
  const set = Object.fromEntries(Object.entries(desired).filter(([key, value]) => current[key] !== value));
  const remove = Object.keys(current)
    .filter((key) => !(key in desired))
    .sort(compareText);
  return { set, remove };
}

/**
 * What applying these files to the instance would change, view by view, matched by name. Reads
 * each matched view's `$LATEST` and `$SAVED` and records their shas: apply acts only on views that
 * are still as planned.
 */
export async function planViews(target: Target, files: readonly LoadedViewFile[], options: PlanOptions = {}): Promise<Plan> {
  const summaries = await listAllViews(target.client, target.instanceId);
  const byName = new Map(summaries.map((summary) => [summary.Name!, summary]));
  const wanted = new Set(files.map((loaded) => loaded.file.name));
  let done = 0;
  options.onProgress?.(0, files.length, 'planning');
  const entries = await mapLimit(files, options.concurrency ?? 4, async ({ path, file }): Promise<PlanEntry> => {
    try {
      return await planOne(target, path, file, byName.get(file.name), options);
    } finally {
      options.onProgress?.(++done, files.length, file.name);
    }
  });
  const extras = summaries.filter((summary) => !wanted.has(summary.Name!));
  const extraEntries = await mapLimit(extras, options.concurrency ?? 4, async (summary): Promise<PlanEntry> => {
    const [saved, latest] = options.prune
      ? await Promise.all([
          readView(target.client, target.instanceId, summary.Id!, '$SAVED'),
          readView(target.client, target.instanceId, summary.Id!, '$LATEST'),
        ])
      : [undefined, undefined];
    return {
      name: summary.Name!,
      action: 'extra',
      changes: [],
      viewId: summary.Id!,
      arn: summary.Arn!,
      ...(saved ? { expectedSavedSha: saved.sha } : {}),
      ...(latest ? { latestSha: latest.sha } : {}),
      diff: [],
      notes: [
        options.prune
          ? 'in the instance, not in the folder: apply --prune deletes it if it is still as planned'
          : 'in the instance, not in the folder: left alone (apply --prune deletes it)',
      ],
    };
  });
  entries.push(...extraEntries);
  entries.sort((a, b) => compareText(a.name, b.name));
  const count = (action: PlanEntry['action']) => entries.filter((entry) => entry.action === action).length;
  return {
    format: 'connect-views-plan/1',
    instanceId: target.instanceId,
    createdAt: new Date().toISOString(),
    entries,
    ...(options.prune ? { prune: true } : {}),
    summary: {
      create: count('create'),
      update: count('update'),
      unchanged: count('unchanged'),
      extra: count('extra'),
      skip: count('skip'),
    },
  };
}

async function planOne(
  target: Target,
  path: string,
  desired: ViewFile,
  summary: { Id?: string; Arn?: string } | undefined,
  options: PlanOptions,
): Promise<PlanEntry> {
  const base = { name: desired.name, file: path, desired, notes: [] as string[] };
  if (desired.type === 'AWS_MANAGED') {
    return { ...base, action: 'skip', changes: [], diff: [], notes: ['AWS-managed: cannot be created or changed'] };
  }
  if (!summary) {
    return { ...base, action: 'create', changes: [], diff: structuralDiff({}, subjectOf(desired)) };
  }
  const [latest, saved] = await Promise.all([
    readView(target.client, target.instanceId, summary.Id!, '$LATEST'),
    readView(target.client, target.instanceId, summary.Id!, '$SAVED'),
  ]);
  const current = viewFileFromSnapshots(latest, saved);
  const changes: ChangeKind[] = [];
  const notes: string[] = [];

  const wantLatest = publishedContent(desired);
  const haveLatest: ViewContentData | undefined = latest?.content;
  const publishes = wantLatest !== undefined && !sameContent(wantLatest, haveLatest);
  if (publishes) changes.push('content');
  if (!wantLatest && haveLatest) notes.push('the file has no published content: what is published stays (Connect cannot unpublish)');
  const savedAfter = publishes ? wantLatest : saved?.content;
  // Compared as content (the sha's algorithm is Connect's own); a view never published has a draft only.
  const hasDraft = saved !== undefined && !sameContent(saved.content, haveLatest);
  if (!options.keepDrafts) {
    if (!sameContent(savedContent(desired), savedAfter)) changes.push('draft');
  } else if (publishes && hasDraft) {
    notes.push("publishing replaces the instance's unpublished draft ($SAVED): Connect keeps one draft per view");
  }

  // A description cannot be removed through the API (UpdateViewMetadata takes 1–4096 characters).
  const description = desired.description ?? current.description;
  if (desired.description === undefined && current.description !== undefined)
    notes.push('the file has no description: the current one stays');
  if (description !== current.description) changes.push('metadata');
  const tags = tagChanges(current.tags, desired.tags);
  if (Object.keys(tags.set).length > 0 || tags.remove.length > 0) changes.push('tags');

  const shown: ViewFile = { ...desired, ...(description !== undefined ? { description } : {}) };
  if (!wantLatest && current.template !== undefined) Object.assign(shown, { template: current.template, actions: current.actions });
  // A kept draft is shown as it is, not as a change.
  if (options.keepDrafts && !publishes && current.draft !== undefined) Object.assign(shown, { draft: current.draft });
  return {
    ...base,
    notes,
    action: changes.length > 0 ? 'update' : 'unchanged',
    changes,
    viewId: summary.Id!,
    arn: summary.Arn!,
    ...(saved ? { expectedSavedSha: saved.sha } : {}),
    ...(latest ? { latestSha: latest.sha } : {}),
    diff: structuralDiff(subjectOf(current), subjectOf(shown)),
    ...(changes.includes('tags') ? { tags } : {}),
  };
}

/** `plan --dir D`: the folder's view files against the instance. */
export async function planDirectory(target: Target, dir: string, options: PlanOptions = {}): Promise<Plan> {
  return planViews(target, await readViewDir(dir), options);
}

export function hasChanges(plan: Plan): boolean {
  return plan.summary.create > 0 || plan.summary.update > 0 || (plan.prune === true && plan.summary.extra > 0);
}
