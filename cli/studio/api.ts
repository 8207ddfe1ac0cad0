import { SearchViewsCommand, type View, type ViewSearchCriteria } from '@aws-sdk/client-connect';
import { mapLimit } from '../concurrency.ts';
import {
  ChangedSinceReadError,
  cutVersionGuarded,
  publishGuarded,
  rollbackGuarded,
  unversionedKinds,
  type Unversioned,
} from '../guarded-writes.ts';
import { lintView, type Finding } from '../lint.ts';
import { structuralDiff, type DiffEntry } from '../structural-diff.ts';
import type { Target } from '../target.ts';
import {
  highestVersion,
  listAllVersions,
  listAllViews,
  parseQualifier,
  readView,
  sameContent,
  type Qualifier,
  type ViewSnapshot,
} from '../view-content.ts';
import { serializeViewFile, viewFileFromSnapshots } from '../view-files.ts';

/**
 * What the studio's page asks of Connect, on the views-as-code library only: the same reads, diff,
 * lint and guarded writes as `connect-views`, so the page and the CLI can never disagree.
 */

/** A request the page got wrong: answered 400 with the message. */
export class BadRequestError extends Error {
  override name = 'BadRequestError';
}

/** What does not exist: answered 404. */
export class NotFoundError extends Error {
  override name = 'NotFoundError';
}

export interface ViewRow {
  id: string;
  arn: string;
  name: string;
  status?: string;
  type?: string;
  description?: string;
  lastModified?: string;
  tags?: Record<string, string>;
  /** Filled by details(): ListViews and SearchViews do not say. */
  versions?: number;
}

export interface ViewList {
  views: ViewRow[];
  /** Which operation found them: SearchViews filters at the target; ListViews is filtered here. */
  source: 'SearchViews' | 'ListViews';
  /** Why the studio filters itself, when it does. */
  note?: string;
}

export interface RowDetails {
  id: string;
  versions?: number;
  lastModified?: string;
  status?: string;
  tags?: Record<string, string>;
  error?: string;
}

/** A state of a view as the page shows it: dates as ISO text, the template parsed. */
export interface ViewState {
  id: string;
  arn: string;
  name: string;
  description?: string;
  type?: string;
  status?: string;
  version?: number;
  versionDescription?: string;
  sha: string;
  template?: unknown;
  templateText?: string;
  actions: string[];
  inputSchema?: unknown;
  tags: Record<string, string>;
  createdTime?: string;
  lastModifiedTime?: string;
}

export interface TimelineEntry {
  version: number;
  description?: string;
  /** Left out for versions beyond the first page of details (the page asks for more). */
  sha?: string;
  time?: string;
}

export interface ViewPage {
  id: string;
  latest?: ViewState;
  saved?: ViewState;
  draftDiffers: boolean;
  /** What no version holds, and a rollback would lose: the draft, what is published, or both. */
  unversioned: Unversioned[];
  versions: TimelineEntry[];
  lint: Finding[];
}

export interface Comparison {
  a: ViewState;
  b: ViewState;
  diff: DiffEntry[];
  /** Every version number, highest first: what the page's selectors offer. */
  versions: number[];
}

/** How many versions get their time and sha with the view (a DescribeView each); the rest on request. */
export const TIMELINE_DETAILS = 20;
/** Connect's view APIs throttle at a few requests a second: the studio keeps this many in flight. */
const CONCURRENCY = 4;
const SEARCH_VALUE_MAX = 255;
/** A bare view id (Connect's are UUIDs): never a qualifier or an ARN, so a write cannot be aimed at `:$LATEST` or a version. */
const VIEW_ID = /^[A-Za-z0-9_-]{1,128}$/;

function iso(date: Date | undefined): string | undefined {
  return date ? date.toISOString() : undefined;
}

function stateOf(snapshot: ViewSnapshot): ViewState {
  const state: ViewState = {
    id: snapshot.id,
    arn: snapshot.arn,
    name: snapshot.name,
    sha: snapshot.sha,
    actions: snapshot.content.actions,
    tags: snapshot.tags,
  };
  if (snapshot.description !== undefined) state.description = snapshot.description;
  if (snapshot.type !== undefined) state.type = snapshot.type;
  if (snapshot.status !== undefined) state.status = snapshot.status;
  if (snapshot.version !== undefined) state.version = snapshot.version;
  if (snapshot.versionDescription !== undefined) state.versionDescription = snapshot.versionDescription;
  if (snapshot.content.template !== undefined) state.template = snapshot.content.template;
  if (snapshot.content.templateText !== undefined) state.templateText = snapshot.content.templateText;
  if (snapshot.inputSchema !== undefined) state.inputSchema = snapshot.inputSchema;
  if (snapshot.createdTime) state.createdTime = iso(snapshot.createdTime)!;
  if (snapshot.lastModifiedTime) state.lastModifiedTime = iso(snapshot.lastModifiedTime)!;
  return state;
}

function rowOfSearch(view: View): ViewRow {
  const row: ViewRow = { id: view.Id!, arn: view.Arn!, name: view.Name! };
  if (view.Status) row.status = view.Status;
  if (view.Type) row.type = view.Type;
  if (view.Description !== undefined) row.description = view.Description;
  if (view.LastModifiedTime) row.lastModified = view.LastModifiedTime.toISOString();
  row.tags = { ...(view.Tags ?? {}) };
  return row;
}

/** Errors that say the target has no SearchViews for this caller, rather than that something failed for now. */
function searchUnavailable(error: unknown): boolean {
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  const name = (error as Error).name;
  if (name === 'ThrottlingException' || name === 'TooManyRequestsException') return false;
  return status !== undefined && status >= 400 && status < 500;
}

export function checkViewId(id: string): string {
  if (!VIEW_ID.test(id)) throw new BadRequestError(`"${id}" is not a view id`);
  return id;
}

export function qualifierOf(text: string): Qualifier {
  const qualifier = parseQualifier(text);
  if (qualifier === undefined) throw new BadRequestError(`"${text}" is not a version: give N, $LATEST or $SAVED`);
  return qualifier;
}

export class StudioApi {
  readonly target: Target;
  /** Set once SearchViews was refused: from then on the studio lists and filters by itself. */
  #searchRefused: string | undefined;

  constructor(target: Target) {
    this.target = target;
  }

  get #client() {
    return this.target.client;
  }

  get #instance() {
    return this.target.instanceId;
  }

  /** Every view (both types), those matching `query` in name or description when one is given. */
  async listViews(query = ''): Promise<ViewList> {
    const q = query.trim().slice(0, SEARCH_VALUE_MAX);
    let note = this.#searchRefused;
    if (note === undefined) {
      try {
        return { views: await this.#search(q), source: 'SearchViews' };
      } catch (error) {
        if (!searchUnavailable(error)) throw error;
        note = `SearchViews answered ${(error as Error).name}: the studio lists the views and filters them itself`;
        // A refused filter (some text the target will not take) is not a refused operation: only
        // when the plain search fails too is SearchViews given up for this target.
        if (!q || !(await this.#searchAnswers())) this.#searchRefused = note;
      }
    }
    const folded = q.toLowerCase();
    const all = await listAllViews(this.#client, this.#instance, { includeAwsManaged: true });
    const views = all
      .filter((view) => !folded || `${view.Name ?? ''}\n${view.Description ?? ''}`.toLowerCase().includes(folded))
      .map((view) => {
        const row: ViewRow = { id: view.Id!, arn: view.Arn!, name: view.Name! };
        if (view.Status) row.status = view.Status;
        if (view.Type) row.type = view.Type;
        if (view.Description !== undefined) row.description = view.Description;
        return row;
      });
    return { views, source: 'ListViews', note };
  }

  async #searchAnswers(): Promise<boolean> {
    try {
      await this.#client.send(new SearchViewsCommand({ InstanceId: this.#instance, MaxResults: 1 }));
      return true;
    } catch {
      return false;
    }
  }

  async #search(q: string): Promise<ViewRow[]> {
    const criteria: ViewSearchCriteria | undefined = q
      ? {
          OrConditions: [
            { StringCondition: { FieldName: 'name', Value: q, ComparisonType: 'CONTAINS' } },
            { StringCondition: { FieldName: 'description', Value: q, ComparisonType: 'CONTAINS' } },
          ],
        }
      : undefined;
    const rows: ViewRow[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.#client.send(
        new SearchViewsCommand({
          InstanceId: this.#instance,
          MaxResults: 100,
          ...(criteria ? { SearchCriteria: criteria } : {}),
          ...(nextToken ? { NextToken: nextToken } : {}),
        }),
      );
      rows.push(...(page.Views ?? []).map(rowOfSearch));
      nextToken = page.NextToken;
    } while (nextToken);
    return rows.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /**
   * What a listing leaves out, for the rows on screen: the number of versions (ListViewVersions)
   * and, when `describe`, the last change and tags (DescribeView). One failing view says so in its
   * row and does not fail the others.
   */
  async details(ids: readonly string[], describe: boolean): Promise<RowDetails[]> {
    return mapLimit(ids, CONCURRENCY, async (id): Promise<RowDetails> => {
      try {
        checkViewId(id);
        const [versions, view] = await Promise.all([
          listAllVersions(this.#client, this.#instance, id),
          describe ? this.#readEither(id) : Promise.resolve(undefined),
        ]);
        const details: RowDetails = { id, versions: versions.length };
        if (view?.lastModifiedTime) details.lastModified = view.lastModifiedTime.toISOString();
        if (view?.status) details.status = view.status;
        if (view) details.tags = view.tags;
        return details;
      } catch (error) {
        return { id, error: (error as Error).message };
      }
    });
  }

  async #readEither(id: string): Promise<ViewSnapshot | undefined> {
    return (await readView(this.#client, this.#instance, id, '$LATEST')) ?? readView(this.#client, this.#instance, id, '$SAVED');
  }

  /** `$LATEST`, `$SAVED`, the versions (the newest with time and sha) and the lint findings of the view. */
  async view(id: string): Promise<ViewPage> {
    checkViewId(id);
    const [latest, saved, versions] = await Promise.all([
      readView(this.#client, this.#instance, id, '$LATEST'),
      readView(this.#client, this.#instance, id, '$SAVED'),
      listAllVersions(this.#client, this.#instance, id).catch((error: unknown) => {
        if ((error as Error).name === 'ResourceNotFoundException') return [];
        throw error;
      }),
    ]);
    if (!latest && !saved) throw new NotFoundError(`no view ${id} in instance ${this.#instance}`);
    const numbers = versions.map((version) => version.Version!);
    // The versions are listed already: the newest is read here, not found again by unversionedContent.
    const highest = numbers.length > 0 ? Math.max(...numbers) : undefined;
    const [detailed, newest] = await Promise.all([
      this.timeline(id, numbers.slice(0, TIMELINE_DETAILS)),
      highest === undefined ? undefined : readView(this.#client, this.#instance, id, highest),
    ]);
    const unversioned = unversionedKinds({ saved, latest }, newest?.content);
    const byNumber = new Map(detailed.map((entry) => [entry.version, entry]));
    const timeline = versions.map((version): TimelineEntry => {
      const entry: TimelineEntry = byNumber.get(version.Version!) ?? { version: version.Version! };
      if (entry.description === undefined && version.VersionDescription !== undefined) entry.description = version.VersionDescription;
      return entry;
    });
    // The file form is what `connect-views lint` reads: the page shows the very findings the CLI would.
    const file = JSON.parse(serializeViewFile(viewFileFromSnapshots(latest, saved))) as unknown;
    const page: ViewPage = {
      id,
      draftDiffers: saved !== undefined && !sameContent(saved.content, latest?.content),
      unversioned,
      versions: timeline,
      lint: lintView(file),
    };
    if (latest) page.latest = stateOf(latest);
    if (saved) page.saved = stateOf(saved);
    return page;
  }

  /** Time, sha and description of the versions named (a DescribeView each). */
  async timeline(id: string, numbers: readonly number[]): Promise<TimelineEntry[]> {
    checkViewId(id);
    const entries = await mapLimit(numbers, CONCURRENCY, async (number): Promise<TimelineEntry | undefined> => {
      const snapshot = await readView(this.#client, this.#instance, id, number);
      if (!snapshot) return undefined;
      const entry: TimelineEntry = { version: number, sha: snapshot.sha };
      if (snapshot.versionDescription !== undefined) entry.description = snapshot.versionDescription;
      if (snapshot.lastModifiedTime) entry.time = snapshot.lastModifiedTime.toISOString();
      return entry;
    });
    return entries.filter((entry) => entry !== undefined);
  }

  /** Two states side by side and the structural diff between them, as `connect-views diff` shows it. */
  async compare(id: string, a: string, b: string): Promise<Comparison> {
    checkViewId(id);
    const [qa, qb] = [qualifierOf(a), qualifierOf(b)];
    const [left, right, versions] = await Promise.all([
      readView(this.#client, this.#instance, id, qa),
      readView(this.#client, this.#instance, id, qb),
      listAllVersions(this.#client, this.#instance, id),
    ]);
    if (!left) throw new NotFoundError(`view ${id} has no ${typeof qa === 'number' ? `version ${qa}` : qa}`);
    if (!right) throw new NotFoundError(`view ${id} has no ${typeof qb === 'number' ? `version ${qb}` : qb}`);
    const subject = (snapshot: ViewSnapshot) => ({
      name: snapshot.name,
      ...(snapshot.description !== undefined ? { description: snapshot.description } : {}),
      actions: snapshot.content.actions,
      ...(snapshot.content.template !== undefined ? { template: snapshot.content.template } : {}),
      ...(snapshot.content.templateText !== undefined ? { templateText: snapshot.content.templateText } : {}),
      ...(snapshot.inputSchema !== undefined ? { inputSchema: snapshot.inputSchema } : {}),
      tags: snapshot.tags,
    });
    return {
      a: stateOf(left),
      b: stateOf(right),
      diff: structuralDiff(subject(left), subject(right)),
      versions: versions.map((version) => version.Version!),
    };
  }

  /**
   * Publishes the draft the page showed: `$SAVED` must still have the sha the page loaded, read
   * again by publishGuarded just before the write (ChangedSinceReadError when it moved).
   */
  async publish(id: string, body: unknown): Promise<{ sha: string }> {
    checkViewId(id);
    const expectedSha = shaOf(body, 'expectedSha');
    const saved = await readView(this.#client, this.#instance, id, '$SAVED');
    if (!saved) throw new NotFoundError(`view ${id} has no draft ($SAVED)`);
    // The content published must be the very draft the page showed, not merely one read since.
    if (saved.sha !== expectedSha) throw new ChangedSinceReadError(id, expectedSha, saved.sha, 'you loaded this page');
    const result = await publishGuarded(this.#client, this.#instance, id, saved.content, {
      expectedSha,
      alias: '$SAVED',
      since: 'you loaded this page',
    });
    return { sha: result.sha };
  }

  /** CreateViewVersion of exactly the `$LATEST` the page showed: Connect itself refuses any other. */
  async cutVersion(id: string, body: unknown): Promise<{ version: number; created: boolean }> {
    checkViewId(id);
    const expectedSha = shaOf(body, 'expectedSha');
    const description = optionalText(body, 'description', 4096);
    const knownHighest = await highestVersion(this.#client, this.#instance, id);
    const result = await cutVersionGuarded(
      this.#client,
      this.#instance,
      id,
      expectedSha,
      description,
      knownHighest === undefined ? {} : { knownHighest },
    );
    return { version: result.version, created: result.created };
  }

  /** Version N's content published again and cut as a new version, guarded on the `$SAVED` the page showed. */
  async rollback(id: string, body: unknown): Promise<{ version: number; from: number }> {
    checkViewId(id);
    const expectedSha = shaOf(body, 'expectedSha');
    const to = (body as Record<string, unknown>)['to'];
    if (typeof to !== 'number' || !Number.isInteger(to) || to < 1) throw new BadRequestError('"to" must be a version number');
    // What the page showed as unversioned and the person agreed to lose: nothing else is discarded.
    const discard = (body as Record<string, unknown>)['discardUnversioned'] ?? [];
    if (!Array.isArray(discard) || discard.some((kind) => kind !== 'draft' && kind !== 'published')) {
      throw new BadRequestError('"discardUnversioned" must be a list of "draft" and "published"');
    }
    // The guard is on the $SAVED the page showed: the draft discarded is the one the person saw and confirmed.
    const result = await rollbackGuarded(
      this.#client,
      this.#instance,
      id,
      to,
      { expectedSha, alias: '$SAVED', since: 'you loaded this page' },
      { discardUnversioned: discard as Unversioned[] },
    );
    return { version: result.version, from: result.from };
  }
}

function shaOf(body: unknown, key: string): string {
  const value = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[key] : undefined;
  if (typeof value !== 'string' || !/^[A-Za-z0-9]{64}$/.test(value)) {
    throw new BadRequestError(`"${key}" must be the ViewContentSha256 the page loaded`);
  }
  return value;
}

function optionalText(body: unknown, key: string, max: number): string | undefined {
  const value = (body as Record<string, unknown>)[key];
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string' || value.length > max) throw new BadRequestError(`"${key}" must be text of at most ${max} characters`);
  return value;
}
