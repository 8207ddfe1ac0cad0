import { readFile } from 'node:fs/promises';
import { mapLimit } from './concurrency.ts';
import { rollbackGuarded, type RollbackResult } from './guarded-writes.ts';
import { structuralDiff, type DiffEntry, type DiffSubject } from './structural-diff.ts';
import type { Target } from './target.ts';
import { listAllVersions, parseQualifier, readView, resolveView, type ViewRef, type ViewSnapshot } from './view-content.ts';
import { parseViewFile } from './view-files.ts';

export interface HistoryRow {
  /** `$SAVED`, `$LATEST`, or the version number. */
  label: string;
  version?: number;
  time?: Date;
  description?: string;
  sha: string;
  /** e.g. `$LATEST` on the version that is published now, `draft` on a `$SAVED` that differs. */
  marks: string[];
}

export interface ViewHistory {
  view: ViewRef;
  rows: HistoryRow[];
}

/** `history VIEW`: `$SAVED`, `$LATEST` and every version, newest first, with time, description and sha. */
export async function viewHistory(target: Target, ref: string, options: { concurrency?: number } = {}): Promise<ViewHistory> {
  const view = await resolveView(target.client, target.instanceId, ref);
  const [latest, saved, versions] = await Promise.all([
    readView(target.client, target.instanceId, view.id, '$LATEST'),
    readView(target.client, target.instanceId, view.id, '$SAVED'),
    listAllVersions(target.client, target.instanceId, view.id),
  ]);
  const described = await mapLimit(versions, options.concurrency ?? 4, (summary) =>
    readView(target.client, target.instanceId, view.id, summary.Version!),
  );
  const rows: HistoryRow[] = [];
  if (saved) rows.push(row('$SAVED', saved, saved.sha !== latest?.sha ? ['draft'] : ['= $LATEST']));
  if (latest) rows.push(row('$LATEST', latest, []));
  let latestMarked = false;
  for (const version of described) {
    if (!version) continue; // deleted while listing
    const marks: string[] = [];
    if (!latestMarked && version.sha === latest?.sha) {
      marks.push('= $LATEST');
      latestMarked = true;
    }
    rows.push(row(String(version.version), version, marks));
  }
  return { view, rows };
}

function row(label: string, snapshot: ViewSnapshot, marks: string[]): HistoryRow {
  return {
    label,
    ...(snapshot.version !== undefined ? { version: snapshot.version } : {}),
    ...(snapshot.lastModifiedTime ? { time: snapshot.lastModifiedTime } : {}),
    ...(snapshot.versionDescription !== undefined ? { description: snapshot.versionDescription } : {}),
    sha: snapshot.sha,
    marks,
  };
}

function subjectOfSnapshot(snapshot: ViewSnapshot): DiffSubject {
  return {
    name: snapshot.name,
    ...(snapshot.description !== undefined ? { description: snapshot.description } : {}),
    actions: snapshot.content.actions,
    ...(snapshot.content.template !== undefined ? { template: snapshot.content.template } : {}),
    ...(snapshot.content.templateText !== undefined ? { templateText: snapshot.content.templateText } : {}),
    ...(snapshot.inputSchema !== undefined ? { inputSchema: snapshot.inputSchema } : {}),
    tags: snapshot.tags,
  };
}

/**
 * One side of `diff`: `:N` (or `N`), `$LATEST`, `$SAVED`, or a view file's path (its published
 * content; its draft with `#draft` after the path).
 */
export async function loadDiffSide(target: Target, view: ViewRef, spec: string): Promise<DiffSubject> {
  const qualifier = parseQualifier(spec);
  if (qualifier !== undefined) {
    const snapshot = await readView(target.client, target.instanceId, view.id, qualifier);
    if (!snapshot) throw new DiffSideError(`${view.name} has no ${typeof qualifier === 'number' ? `version ${qualifier}` : qualifier}`);
    return subjectOfSnapshot(snapshot);
  }
  const [path, part] = spec.endsWith('#draft') ? [spec.slice(0, -'#draft'.length), 'draft'] : [spec, 'published'];
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new DiffSideError(`${spec} is neither :N, $LATEST, $SAVED nor a readable file`);
  }
  const file = parseViewFile(text, path);
  const content =
    part === 'draft' ? file.draft : file.template !== undefined ? { template: file.template, actions: file.actions ?? [] } : undefined;
  if (!content) throw new DiffSideError(`${path} has no ${part} content`);
  return {
    name: file.name,
    ...(file.description !== undefined ? { description: file.description } : {}),
    actions: content.actions,
    ...(content.template !== undefined ? { template: content.template } : {}),
    ...(content.templateText !== undefined ? { templateText: content.templateText } : {}),
    tags: file.tags,
  };
}

export class DiffSideError extends Error {
  override name = 'DiffSideError';
}

/** `diff VIEW A B`: a structural diff between any two states of a view, or a file and one. */
export async function diffView(target: Target, ref: string, a: string, b: string): Promise<{ view: ViewRef; entries: DiffEntry[] }> {
  const view = await resolveView(target.client, target.instanceId, ref);
  const [left, right] = await Promise.all([loadDiffSide(target, view, a), loadDiffSide(target, view, b)]);
  return { view, entries: structuralDiff(left, right) };
}

/** `rollback VIEW --to N`. */
export async function rollbackView(
  target: Target,
  ref: string,
  toVersion: number,
  options: { discardUnversioned?: boolean } = {},
): Promise<RollbackResult & { view: ViewRef }> {
  const view = await resolveView(target.client, target.instanceId, ref);
  return { ...(await rollbackGuarded(target.client, target.instanceId, view.id, toVersion, undefined, options)), view };
}
