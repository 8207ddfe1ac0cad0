import { CreateViewVersionCommand, UpdateViewContentCommand, type ConnectClient, type ViewStatus } from '@aws-sdk/client-connect';
import { highestVersion, readView, sameContent, templateTextOf, type ViewContentData, type ViewSnapshot } from './view-content.ts';

/**
 * Writes that refuse to act on a view that moved since it was read.
 *
 * UpdateViewContent has no condition in the Connect API, so the guard is a read just before the
 * write: the alias's ViewContentSha256 must still be the one expected. A write can still land
 * between that read and this write (the window is one round trip); CreateViewVersion is then
 * guarded for real, by Connect itself, with the sha this write produced: a version is never cut
 * of content someone else wrote.
 */

/** The view moved since it was read (planned, loaded): nothing was written. */
export class ChangedSinceReadError extends Error {
  override name = 'ChangedSinceReadError';
  readonly viewId: string;
  readonly expectedSha: string;
  readonly actualSha: string | undefined;
  constructor(viewId: string, expectedSha: string, actualSha: string | undefined, since = 'the plan') {
    const was = expectedSha ? `, not ${expectedSha.slice(0, 12)}` : '';
    super(`changed since ${since}: its content is ${actualSha ? `now ${actualSha.slice(0, 12)}` : 'gone'}${was}`);
    this.viewId = viewId;
    this.expectedSha = expectedSha;
    this.actualSha = actualSha;
  }
}

export interface Guard {
  /** The ViewContentSha256 the alias had when it was read. */
  expectedSha: string;
  /**
   * The alias the sha was read from. Default `$SAVED`: every content write (saved or published)
   * replaces it, so it moves on any edit; `$LATEST` only on a publish.
   */
  alias?: '$SAVED' | '$LATEST';
  /** What the sha was read at, for the message: `the plan` (default), `it was loaded`, … */
  since?: string;
}

export interface WriteResult {
  /** `$LATEST`'s sha after the write (a SAVED write leaves it as it was, and gives the draft's). */
  sha: string;
  arn: string;
}

async function checkGuard(client: ConnectClient, instanceId: string, viewId: string, guard: Guard): Promise<void> {
  const current = await readView(client, instanceId, viewId, guard.alias ?? '$SAVED');
  if (current?.sha !== guard.expectedSha) throw new ChangedSinceReadError(viewId, guard.expectedSha, current?.sha, guard.since);
}

/**
 * UpdateViewContent (PUBLISHED unless told otherwise) after checking the view still has the
 * expected content. Throws ChangedSinceReadError, writing nothing, when it moved.
 */
export async function publishGuarded(
  client: ConnectClient,
  instanceId: string,
  viewId: string,
  content: ViewContentData,
  guard: Guard,
  options: { status?: ViewStatus } = {},
): Promise<WriteResult> {
  await checkGuard(client, instanceId, viewId, guard);
  const { View } = await client.send(
    new UpdateViewContentCommand({
      InstanceId: instanceId,
      ViewId: viewId,
      Status: options.status ?? 'PUBLISHED',
      Content: { Template: templateTextOf(content), Actions: content.actions },
    }),
  );
  return { sha: View!.ViewContentSha256!, arn: View!.Arn! };
}

export interface VersionResult {
  version: number;
  sha: string;
  /** False when `$LATEST` already was the highest version: Connect returned it and cut nothing. */
  created: boolean;
}

/**
 * CreateViewVersion of exactly the content with this sha: Connect refuses it
 * (ResourceInUseException) when `$LATEST` is anything else, which is turned into
 * ChangedSinceReadError. Unchanged content returns the highest version.
 */
export async function cutVersionGuarded(
  client: ConnectClient,
  instanceId: string,
  viewId: string,
  writtenSha: string,
  description?: string,
  options: { knownHighest?: number } = {},
): Promise<VersionResult> {
  try {
    const { View } = await client.send(
      new CreateViewVersionCommand({
        InstanceId: instanceId,
        ViewId: viewId,
        ViewContentSha256: writtenSha,
        ...(description ? { VersionDescription: description } : {}),
      }),
    );
    const version = View!.Version!;
    return { version, sha: View!.ViewContentSha256!, created: options.knownHighest === undefined ? true : version > options.knownHighest };
  } catch (error) {
    if ((error as Error).name === 'ResourceInUseException') {
      throw new ChangedSinceReadError(viewId, writtenSha, undefined, 'this tool wrote it (someone published in between)');
    }
    throw error;
  }
}

export interface RollbackResult extends VersionResult {
  /** The version whose content was published again. */
  from: number;
}

export type Unversioned = 'draft' | 'published';

interface Aliases {
  saved: ViewSnapshot | undefined;
  latest: ViewSnapshot | undefined;
}

/**
 * What a publish would lose for good: a `$SAVED` draft other than what is published, and published
 * content that the newest version (`newest`) does not hold (a publish cuts no version). Compared as
 * content, never by sha alone (the sha's algorithm is Connect's own). `kept`: content the caller
 * knows a version holds (the version rolled back to), which is then not lost. Only the newest
 * version is looked at: content an older version holds is reported too, to be discarded knowingly.
 */
export function unversionedKinds({ saved, latest }: Aliases, newest: ViewContentData | undefined, kept?: ViewContentData): Unversioned[] {
  const lost: Unversioned[] = [];
  if (saved && !sameContent(saved.content, latest?.content) && !sameContent(saved.content, kept)) lost.push('draft');
  if (latest && !sameContent(latest.content, kept) && !sameContent(latest.content, newest)) lost.push('published');
  return lost;
}

/** unversionedKinds, reading the newest version when it matters. */
export async function unversionedContent(
  client: ConnectClient,
  instanceId: string,
  viewId: string,
  aliases: Aliases,
  kept?: ViewContentData,
): Promise<Unversioned[]> {
  let newest: ViewContentData | undefined;
  if (aliases.latest && !sameContent(aliases.latest.content, kept)) {
    const highest = await highestVersion(client, instanceId, viewId);
    newest = highest === undefined ? undefined : (await readView(client, instanceId, viewId, highest))?.content;
  }
  return unversionedKinds(aliases, newest, kept);
}

/**
 * Publishes version N's content again and cuts a new version "Rollback to version N": history is
 * never rewritten. Guarded like apply: without a guard, `$SAVED` is read first and must not move
 * before the write. Publishing replaces `$SAVED` and `$LATEST`, so content that no version holds —
 * an unpublished draft, or published content never cut as a version — would be lost: refused
 * (UnversionedContentError) unless `discardUnversioned`.
 */
export async function rollbackGuarded(
  client: ConnectClient,
  instanceId: string,
  viewId: string,
  toVersion: number,
  guard?: Guard,
  options: { discardUnversioned?: boolean | readonly Unversioned[] } = {},
): Promise<RollbackResult> {
  const target = await readView(client, instanceId, viewId, toVersion);
  if (!target) throw new VersionNotFoundError(viewId, toVersion);
  const [saved, latest] = await Promise.all([
    readView(client, instanceId, viewId, '$SAVED'),
    readView(client, instanceId, viewId, '$LATEST'),
  ]);
  // A draft that appeared since the caller read the view is a change since then, said as such.
  if (guard && (guard.alias ?? '$SAVED') === '$SAVED' && saved?.sha !== guard.expectedSha) {
    throw new ChangedSinceReadError(viewId, guard.expectedSha, saved?.sha, guard.since);
  }
  // A list: discarded only what the caller saw and agreed to lose (what a page showed), not what
  // became unversioned since.
  const allowed = options.discardUnversioned;
  if (allowed !== true) {
    const lost = await unversionedContent(client, instanceId, viewId, { saved, latest }, target.content);
    const refused = lost.filter((kind) => !(Array.isArray(allowed) && allowed.includes(kind)));
    if (refused.length > 0) throw new UnversionedContentError(viewId, refused);
  }
  const effectiveGuard = guard ?? { expectedSha: saved?.sha ?? '', since: 'it was read' };
  const written = await publishGuarded(client, instanceId, viewId, target.content, effectiveGuard);
  // Known before cutting: Connect answers unchanged content with the highest version, cutting nothing.
  const highest = await highestVersion(client, instanceId, viewId);
  const version = await cutVersionGuarded(client, instanceId, viewId, written.sha, `Rollback to version ${toVersion}`, {
    ...(highest === undefined ? {} : { knownHighest: highest }),
  });
  return { ...version, from: toVersion };
}

export class VersionNotFoundError extends Error {
  override name = 'VersionNotFoundError';
  constructor(viewId: string, version: number) {
    super(`${viewId} has no version ${version}`);
  }
}

/** A rollback would replace content that no version holds (a draft, or what is published). */
export class UnversionedContentError extends Error {
  override name = 'UnversionedContentError';
  readonly viewId: string;
  readonly lost: readonly Unversioned[];
  constructor(viewId: string, lost: readonly Unversioned[]) {
    const what = lost
      .map((kind) => (kind === 'draft' ? 'an unpublished draft ($SAVED)' : 'published content ($LATEST) that no version holds'))
      .join(' and ');
    super(
      `${viewId} has ${what}, which a rollback would replace for good: publish the draft or cut a version first ` +
        '(or keep it with pull), or discard it on purpose (--discard-unversioned).',
    );
    this.viewId = viewId;
    this.lost = lost;
  }
}
