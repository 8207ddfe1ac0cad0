import { isPlainObject } from './json.ts';
import type { Plan } from './plan.ts';
import { parseViewFile, ViewFileError } from './view-files.ts';

/**
 * A saved plan (`plan --json > FILE`, then `apply --plan FILE`) read back. A plan file passes
 * through hands and tools (a review, an artifact store, an editor), so its shape is checked whole
 * before anything is applied: a truncated or edited file is refused in one line naming the place,
 * never half-applied or failed view by view with a TypeError.
 */
export class PlanFileError extends Error {
  override name = 'PlanFileError';
}

const ACTIONS = new Set(['create', 'update', 'unchanged', 'extra', 'skip']);
const CHANGES = new Set(['content', 'draft', 'metadata', 'tags']);
/** The actions that act on a view the instance already has, and so need its id. */
const EXISTING = new Set(['update', 'unchanged', 'extra']);

const isStringList = (value: unknown): value is string[] => Array.isArray(value) && value.every((item) => typeof item === 'string');

/** Checks one entry, and puts back the view file as parsed (what apply reads, normalised). */
function checkEntry(entry: unknown, at: string): void {
  if (!isPlainObject(entry)) throw new PlanFileError(`${at} must be an object`);
  const { name, action, changes, notes, diff, viewId, expectedSavedSha, latestSha, desired, tags } = entry;
  if (typeof name !== 'string') throw new PlanFileError(`${at}.name must be a string`);
  if (typeof action !== 'string' || !ACTIONS.has(action)) throw new PlanFileError(`${at}.action must be one of ${[...ACTIONS].join(', ')}`);
  if (!isStringList(changes) || changes.some((change) => !CHANGES.has(change))) {
    throw new PlanFileError(`${at}.changes must be a list of ${[...CHANGES].join(', ')}`);
  }
  if (notes !== undefined && !isStringList(notes)) throw new PlanFileError(`${at}.notes must be a list of strings`);
  if (diff !== undefined && !Array.isArray(diff)) throw new PlanFileError(`${at}.diff must be a list`);
  if (EXISTING.has(action) && typeof viewId !== 'string') throw new PlanFileError(`${at}.viewId must be a string`);
  if (action === 'update' && typeof entry['arn'] !== 'string') throw new PlanFileError(`${at}.arn must be a string`);
  for (const [key, value] of Object.entries({ expectedSavedSha, latestSha })) {
    if (value !== undefined && typeof value !== 'string') throw new PlanFileError(`${at}.${key} must be a string`);
  }
  if (action === 'create' || action === 'update' || action === 'unchanged') {
    try {
      const file = parseViewFile(JSON.stringify(desired ?? null), `${at}.desired`);
      if (file.name !== name) throw new PlanFileError(`${at}.desired.name is "${file.name}", not the entry's "${name}"`);
      entry['desired'] = file;
    } catch (error) {
      if (error instanceof ViewFileError) throw new PlanFileError(error.message);
      throw error;
    }
  }
  if ((tags !== undefined) !== changes.includes('tags')) {
    throw new PlanFileError(`${at}.tags must be given exactly when "changes" holds "tags"`);
  }
  if (tags !== undefined) {
    const set = isPlainObject(tags) ? tags['set'] : undefined;
    const remove = isPlainObject(tags) ? tags['remove'] : undefined;
    if (!isPlainObject(set) || Object.values(set).some((value) => typeof value !== 'string') || !isStringList(remove)) {
      throw new PlanFileError(`${at}.tags must be { "set": { key: value }, "remove": [keys] }`);
    }
  }
}

/** The plan in `text` (read from `source`), for `instanceId`; PlanFileError when it is not one. */
export function parsePlanFile(text: string, source: string, instanceId: string): Plan {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new PlanFileError(`${source}: not JSON (${(error as Error).message}): save a plan with plan --json > FILE`);
  }
  if (!isPlainObject(value) || value['format'] !== 'connect-views-plan/1') {
    throw new PlanFileError(`${source} is not a plan written by plan --json`);
  }
  if (value['instanceId'] !== instanceId) {
    throw new PlanFileError(`${source} is a plan for instance ${String(value['instanceId'])}, not ${instanceId}`);
  }
  const entries = value['entries'];
  if (!Array.isArray(entries)) throw new PlanFileError(`${source}: "entries" must be a list`);
  if (value['prune'] !== undefined && typeof value['prune'] !== 'boolean')
    throw new PlanFileError(`${source}: "prune" must be true or false`);
  const seen = new Map<string, number>();
  entries.forEach((entry, index) => {
    const at = `${source}: entries[${index}]`;
    checkEntry(entry, at);
    // One entry per view: two would write one view twice, each guarded by the same sha.
    for (const key of [`name ${entry.name}`, ...(entry.viewId ? [`view ${entry.viewId}`] : [])]) {
      const other = seen.get(key);
      if (other !== undefined) throw new PlanFileError(`${at} is for the same ${key.split(' ')[0]} as entries[${other}]`);
      seen.set(key, index);
    }
  });
  // Counted again from the entries: what is reported and confirmed is what is applied.
  const count = (action: string) => entries.filter((entry) => entry.action === action).length;
  const summary = {
    create: count('create'),
    update: count('update'),
    unchanged: count('unchanged'),
    extra: count('extra'),
    skip: count('skip'),
  };
  return { ...(value as unknown as Plan), summary };
}
