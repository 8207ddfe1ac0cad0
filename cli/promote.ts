import { applyPlan, type ApplyOptions, type ApplyResult } from './apply.ts';
import { mapLimit } from './concurrency.ts';
import { planViews, type Plan, type PlanOptions } from './plan.ts';
import { readInstanceViews } from './pull.ts';
import type { Target } from './target.ts';
import { compareText, highestVersion, listAllViews, readView } from './view-content.ts';

/**
 * `promote`: the source instance's published views (`$LATEST`, no drafts) planned and applied to
 * the target, which may be in another account, region or endpoint, and a map of every source view
 * ARN to the target's, for the tools that deploy flows to rewrite their ShowView references.
 */
export interface Promotion {
  plan: Plan;
  /** Source view name → its ARN and the sha of what is promoted. */
  sources: Map<string, { arn: string; id: string; sha: string }>;
}

export async function planPromotion(source: Target, target: Target, options: PlanOptions = {}): Promise<Promotion> {
  const views = await readInstanceViews(source, { drafts: false, ...(options.concurrency ? { concurrency: options.concurrency } : {}) });
  const sources = new Map(views.map((view) => [view.file.name, { arn: view.latest!.arn, id: view.latest!.id, sha: view.latest!.sha }]));
  // The source's drafts are not promoted, and the target's are not the source's to plan away.
  const plan = await planViews(
    target,
    views.map((view) => ({ path: view.latest!.arn, file: view.file })),
    { ...options, keepDrafts: true, prune: false },
  );
  return { plan, sources };
}

export type ArnMap = Record<string, string>;

/**
 * Source ARN → target ARN, bare and qualified: `:$LATEST` always, and `:N` → `:M` when the source's
 * highest version N holds exactly what was promoted and the target has a version M of it.
 */
export async function arnMap(
  source: Target,
  target: Target,
  promotion: Promotion,
  options: { concurrency?: number } = {},
): Promise<ArnMap> {
  const targets = new Map((await listAllViews(target.client, target.instanceId)).map((view) => [view.Name!, view]));
  const names = [...promotion.sources.keys()].filter((name) => targets.has(name)).sort(compareText);
  const pairs = await mapLimit(names, options.concurrency ?? 4, async (name) => {
    const from = promotion.sources.get(name)!;
    const to = targets.get(name)!;
    const entries: [string, string][] = [
      [from.arn, to.Arn!],
      [`${from.arn}:$LATEST`, `${to.Arn!}:$LATEST`],
    ];
    const [sourceVersion, targetVersion] = await Promise.all([
      versionHolding(source, from.id, from.sha),
      (async () => {
        const latest = await readView(target.client, target.instanceId, to.Id!, '$LATEST');
        return latest ? versionHolding(target, to.Id!, latest.sha) : undefined;
      })(),
    ]);
    if (sourceVersion !== undefined && targetVersion !== undefined)
      entries.push([`${from.arn}:${sourceVersion}`, `${to.Arn!}:${targetVersion}`]);
    return entries;
  });
  return Object.fromEntries(pairs.flat().sort(([a], [b]) => compareText(a, b)));
}

/** The highest version, when it holds content of this sha. */
async function versionHolding(target: Target, viewId: string, sha: string): Promise<number | undefined> {
  const highest = await highestVersion(target.client, target.instanceId, viewId);
  if (highest === undefined) return undefined;
  const version = await readView(target.client, target.instanceId, viewId, highest);
  return version?.sha === sha ? highest : undefined;
}

export async function applyPromotion(target: Target, promotion: Promotion, options: ApplyOptions = {}): Promise<ApplyResult> {
  // Promote never deletes: the target may hold views of its own.
  return applyPlan(target, promotion.plan, { ...options, prune: false });
}
