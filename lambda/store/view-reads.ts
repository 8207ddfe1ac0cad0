import { setTimeout as sleep } from 'node:timers/promises';
import type { ViewContent } from '#domain/content.ts';
import type { VersionRecord, ViewHead } from '#domain/view.ts';
import type { ContentCodec } from './content-codec.ts';
import type { DynamoIo } from './dynamo-io.ts';
import { ReadKeptTearing } from './errors.ts';
import { chunksOf, headFromItem, slotOf, versionFromItem, type Item } from './items.ts';
import {
  HEAD_SK,
  LATEST_CHUNK_PREFIX,
  PARTITION_KEY,
  PREFIX_END,
  SAVED_CHUNK_PREFIX,
  SORT_KEY,
  VERSION_PREFIX,
  contentChunkPrefix,
  key,
  versionChunkPrefix,
  versionChunkSk,
  versionSk,
  viewPartition,
} from './keys.ts';

/**
 * Reads of one view's partition. DynamoDB's Query and BatchGetItem are only read-committed against
 * transactions: one call can return some items as they were before a committed transaction and the
 * rest as they are after it. Every read here is therefore checked for such a tear and repeated
 * (each function says how); GetItem is serializable and needs no check.
 */

/** How often a read that caught a write half-applied is made again before the caller is told to retry. */
export const TORN_READ_ATTEMPTS = 5;

/** What a read attempt answers when it caught a write half-applied. */
const TORN = Symbol('torn');

/** Makes `attempt` again, after a short random pause, while it catches writes half-applied. */
async function untorn<T>(attempt: () => Promise<T | typeof TORN>): Promise<T> {
  for (let tries = 0; tries < TORN_READ_ATTEMPTS; tries++) {
    if (tries > 0) await sleep(Math.random() * 5 * (tries + 1));
    const result = await attempt();
    if (result !== TORN) return result;
  }
  throw new ReadKeptTearing();
}

/** The head, as one serializable GetItem; a DeleteView tombstone counts as `deleting`, not as a view. */
export async function readHeadState(io: DynamoIo, instanceId: string, viewId: string): Promise<{ head?: ViewHead; deleting: boolean }> {
  const item = await io.get(key(viewPartition(instanceId, viewId), HEAD_SK));
  const head = headFromItem(item);
  return { ...(head ? { head } : {}), deleting: item?.['deleting'] === true };
}

/** Head plus the content one alias points at, as read together. */
export interface AliasRead {
  head: ViewHead;
  /** Absent when the alias points nowhere (`$LATEST` of a view never published). */
  content?: ViewContent;
}

/**
 * One Query: the head and the chunks of `$LATEST` (or `$SAVED`). Chunks are named by the id of
 * their content and never rewritten, so a torn result shows as chunks missing for the id the head
 * names (the head from after an UpdateViewContent with chunks from before it, or the reverse),
 * never as foreign chunks taken for the head's: the query is then made again.
 */
export function readAlias(
  io: DynamoIo,
  codec: ContentCodec,
  instanceId: string,
  viewId: string,
  alias: 'LATEST' | 'SAVED',
): Promise<AliasRead | undefined> {
  const upper = `${alias === 'LATEST' ? LATEST_CHUNK_PREFIX : SAVED_CHUNK_PREFIX}${PREFIX_END}`;
  return untorn(async () => {
    const { items } = await io.query({
      KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :head AND :upper',
      ExpressionAttributeNames: { '#pk': PARTITION_KEY, '#sk': SORT_KEY },
      ExpressionAttributeValues: { ':pk': viewPartition(instanceId, viewId), ':head': HEAD_SK, ':upper': upper },
    });
    const head = items[0]?.[SORT_KEY] === HEAD_SK ? headFromItem(items[0]) : undefined;
    if (!head) return undefined;
    const wanted = alias === 'LATEST' ? head.latest : head.saved;
    if (!wanted) return { head };
    const prefix = contentChunkPrefix(slotOf(head, alias), wanted.id);
    const chunks = items.filter((item) => String(item[SORT_KEY]).startsWith(prefix)).map((item) => item['data'] as Uint8Array);
    return chunks.length === chunksOf(wanted) ? { head, content: codec.decode(chunks, wanted.sha256) } : TORN;
  });
}

export interface VersionRead {
  head?: ViewHead;
  version?: VersionRecord;
  content?: ViewContent;
}

/**
 * One BatchGetItem: head, version record and (with content) its first chunk; content of more chunks
 * takes one more query. A version's record and chunks are written once and only ever deleted, so
 * the only tear possible is a deletion caught half-way (record without all its chunks): the read
 * is made again and then finds the version gone. The head is read for existence and tags: a head
 * from before or after any change is a state the view was in while the version existed.
 */
export function readVersion(
  io: DynamoIo,
  codec: ContentCodec,
  instanceId: string,
  viewId: string,
  version: number,
  withContent = true,
): Promise<VersionRead> {
  const partition = viewPartition(instanceId, viewId);
  return untorn(async () => {
    const keys = [key(partition, HEAD_SK), key(partition, versionSk(version))];
    if (withContent) keys.push(key(partition, versionChunkSk(version, 0)));
    const found = await io.batchGet(keys);
    const head = headFromItem(found.get(HEAD_SK));
    const versionItem = found.get(versionSk(version));
    if (!head || !versionItem) return head ? { head } : {};
    const record = versionFromItem(versionItem);
    if (!withContent) return { head, version: record };
    const expected = chunksOf(record.content);
    const chunks =
      expected > 1
        ? await versionChunks(io, partition, version)
        : [found.get(versionChunkSk(version, 0))].filter((item) => item !== undefined).map((item) => item['data'] as Uint8Array);
    return chunks.length === expected ? { head, version: record, content: codec.decode(chunks, record.content.sha256) } : TORN;
  });
}

async function versionChunks(io: DynamoIo, partition: string, version: number): Promise<Uint8Array[]> {
  const { items } = await io.query({
    KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
    ExpressionAttributeNames: { '#pk': PARTITION_KEY, '#sk': SORT_KEY },
    ExpressionAttributeValues: { ':pk': partition, ':prefix': versionChunkPrefix(version) },
  });
  return items.map((item) => item['data'] as Uint8Array);
}

export interface VersionPage {
  /** Absent when the view does not exist (or is being deleted): the listing is refused. */
  head?: ViewHead;
  versions: VersionRecord[];
  /** Sort key of the last version returned, when more follow. */
  after?: string;
}

/**
 * ListViewVersions, highest first. Version records are immutable, so any mix of their reads is a
 * list of versions that existed; the head read proves the view existed while they did — except
 * that one Query can take the head from before a DeleteView and the versions from after its purge
 * began (the purge deletes from the lowest version up). A first page is one Query from the head
 * down: when it holds the last version it must hold as many as the head counts, or it is read
 * again. A later page starts below the versions already listed, so the head is read beside it
 * (GetItem, at the same time): a NextToken outliving its view meets ResourceNotFoundException.
 */
export function listVersions(io: DynamoIo, instanceId: string, viewId: string, limit: number, after?: string): Promise<VersionPage> {
  if (after !== undefined) return listLaterVersions(io, instanceId, viewId, limit, after);
  return untorn(async () => {
    const page = await firstVersionPage(io, instanceId, viewId, limit);
    // A first page that reaches the last version holds them all: as many as the head counts, or
    // the query caught a change half-applied (a DeleteView's purge under a head read before it).
    const whole = !page.head || page.after !== undefined || page.head.versions === undefined || page.head.versions === page.versions.length;
    return whole ? page : TORN;
  });
}

/** The head and the highest versions, in one Query from the head down. */
async function firstVersionPage(io: DynamoIo, instanceId: string, viewId: string, limit: number): Promise<VersionPage> {
  const { items } = await io.query(
    {
      KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :low AND :high',
      ExpressionAttributeNames: { '#pk': PARTITION_KEY, '#sk': SORT_KEY },
      ExpressionAttributeValues: { ':pk': viewPartition(instanceId, viewId), ':low': VERSION_PREFIX, ':high': HEAD_SK },
      ScanIndexForward: false,
    },
    // The head, the page, and one more to tell whether another page follows.
    limit + 2,
  );
  const head = items[0]?.[SORT_KEY] === HEAD_SK ? headFromItem(items.shift()) : undefined;
  return head ? versionPage(head, items, limit) : { versions: [] };
}

function versionPage(head: ViewHead, items: Item[], limit: number): VersionPage {
  const versions = items.filter((item) => String(item[SORT_KEY]).startsWith(VERSION_PREFIX)).map(versionFromItem);
  const page = versions.slice(0, limit);
  return { head, versions: page, ...(versions.length > limit ? { after: versionSk(page.at(-1)!.version) } : {}) };
}

/** A later page, with the head read beside it so that a NextToken does not outlive its view. */
async function listLaterVersions(io: DynamoIo, instanceId: string, viewId: string, limit: number, after: string): Promise<VersionPage> {
  const partition = viewPartition(instanceId, viewId);
  const [page, state] = await Promise.all([
    io.query(
      {
        KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :low AND :high',
        ExpressionAttributeNames: { '#pk': PARTITION_KEY, '#sk': SORT_KEY },
        ExpressionAttributeValues: { ':pk': partition, ':low': VERSION_PREFIX, ':high': HEAD_SK },
        ScanIndexForward: false,
        ExclusiveStartKey: key(partition, after),
      },
      // One more than asked tells whether another page follows without an empty last page.
      limit + 1,
    ),
    readHeadState(io, instanceId, viewId),
  ]);
  return state.head ? versionPage(state.head, page.items, limit) : { versions: [] };
}
