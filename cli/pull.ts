import type { ViewSummary } from '@aws-sdk/client-connect';
import { mapLimit } from './concurrency.ts';
import type { Target } from './target.ts';
import { listAllViews, readView, type ViewSnapshot } from './view-content.ts';
import { viewFileFromSnapshots, writeViewDir, type ViewFile, type WriteDirResult } from './view-files.ts';

export type Progress = (done: number, total: number, what?: string) => void;

export interface ReadInstanceOptions {
  includeAwsManaged?: boolean;
  concurrency?: number;
  /** Read `$SAVED` too, so that unpublished drafts are kept (pull); promote takes published content only. */
  drafts?: boolean;
  onProgress?: Progress;
}

export interface InstanceView {
  summary: ViewSummary;
  latest?: ViewSnapshot;
  saved?: ViewSnapshot;
  file: ViewFile;
}

/** Every (customer-managed) view of the instance as it would be written to a file. */
export async function readInstanceViews(target: Target, options: ReadInstanceOptions = {}): Promise<InstanceView[]> {
  const summaries = await listAllViews(target.client, target.instanceId, { includeAwsManaged: options.includeAwsManaged ?? false });
  let done = 0;
  options.onProgress?.(0, summaries.length, 'reading views');
  const views = await mapLimit(summaries, options.concurrency ?? 4, async (summary): Promise<InstanceView | undefined> => {
    const [latest, saved] = await Promise.all([
      readView(target.client, target.instanceId, summary.Id!, '$LATEST'),
      options.drafts === false ? Promise.resolve(undefined) : readView(target.client, target.instanceId, summary.Id!, '$SAVED'),
    ]);
    options.onProgress?.(++done, summaries.length, summary.Name);
    // Deleted between the listing and the read: it is not there any more.
    if (!latest && !saved) return undefined;
    if (options.drafts === false && !latest) return undefined;
    return { summary, ...(latest ? { latest } : {}), ...(saved ? { saved } : {}), file: viewFileFromSnapshots(latest, saved) };
  });
  return views.filter((view): view is InstanceView => view !== undefined);
}

export interface PullOptions extends ReadInstanceOptions {
  dir: string;
}

export interface PullResult extends WriteDirResult {
  views: number;
}

/** `pull`: the folder becomes a mirror of the instance's views, one deterministic file each. */
export async function pullViews(target: Target, options: PullOptions): Promise<PullResult> {
  const views = await readInstanceViews(target, { ...options, drafts: true });
  const result = await writeViewDir(
    options.dir,
    views.map((view) => view.file),
  );
  return { ...result, views: views.length };
}
