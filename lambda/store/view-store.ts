import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ViewContent } from '#domain/content.ts';
import type { ViewEvent } from '#domain/events.ts';
import type { ListedView, VersionRecord, ViewHead, ViewType } from '#domain/view.ts';
import { CHUNK_BYTES, ContentCodec } from './content-codec.ts';
import { DynamoIo } from './dynamo-io.ts';
import type { Blobs } from './items.ts';
import { instancePartition, key, TTL_ATTRIBUTE, tokenSk, VIEW_COUNT_SHARDS, viewCountSk } from './keys.ts';
import { ListingWalk, listViews, type Page } from './listing-reads.ts';
import { purgeView } from './purge.ts';
import { listVersions, readAlias, readHeadState, readVersion, type AliasRead, type VersionPage, type VersionRead } from './view-reads.ts';
import {
  clientTokenPut,
  outboxEvent,
  planChange,
  purgeRequest,
  versionDeletes,
  versionPuts,
  viewCountChange,
  type Action,
  type ChangeOptions,
  type ClientTokenRecord,
} from './write-plan.ts';

export type { AliasRead, ClientTokenRecord, ListingWalk, Page, VersionPage, VersionRead };
export type { ListingEntry, ListingPage, PageReading } from './listing-reads.ts';

/** Each kind of change the store writes, as `beforeWrite` names it. */
export type WriteKind =
  | 'createView'
  | 'saveContent'
  | 'saveMetadata'
  | 'saveTags'
  | 'publishVersion'
  | 'deleteVersion'
  | 'beginDelete'
  | 'requestPurge';

export interface StoreOptions {
  /** Bytes per stored content chunk; smaller only in tests of content of many chunks. */
  chunkBytes?: number;
  /**
   * The clock (epoch milliseconds) of everything the store writes and compares with what it wrote:
   * expiries, the time of a purge request. The operations take their times from it too.
   */
  clock?: () => number;
  /**
   * Runs after a change was decided and before its transaction is sent: tests make other requests
   * land exactly between an operation's read and its write.
   */
  beforeWrite?: (kind: WriteKind, head: ViewHead | undefined) => Promise<void> | void;
}

/**
 * The views' store on its one DynamoDB table. Every change of a view is one TransactWriteItems
 * planned by `write-plan.ts`: the head's changed fields, on the condition that the fields the change
 * was derived from still hold the values read, with the listing, content and outbox items it
 * implies. A lost race surfaces as ConcurrentModification; the operation reads again and decides
 * again. How content is stored (encoded, compressed, in chunks) stays inside the store: operations
 * hand it ViewContent and get ViewContent back.
 */
export class ViewStore {
  /** The store's clock: see StoreOptions.clock. */
  readonly now: () => number;
  readonly #io: DynamoIo;
  readonly #tableName: string;
  readonly #codec: ContentCodec;
  readonly #beforeWrite: StoreOptions['beforeWrite'];

  constructor(client: DynamoDBDocumentClient, tableName: string, options: StoreOptions = {}) {
    this.#io = new DynamoIo(client, tableName);
    this.#tableName = tableName;
    this.#codec = new ContentCodec(options.chunkBytes ?? CHUNK_BYTES);
    this.now = options.clock ?? Date.now;
    this.#beforeWrite = options.beforeWrite;
  }

  async #write(kind: WriteKind, head: ViewHead | undefined, actions: Action[]): Promise<void> {
    await this.#beforeWrite?.(kind, head);
    await this.#io.transact(actions);
  }

  #change(kind: WriteKind, before: ViewHead | undefined, after: ViewHead, options: ChangeOptions = {}): Promise<void> {
    return this.#write(kind, before, planChange(this.#tableName, before, after, options));
  }

  /** The chunks of `content`, stored under the id the new head gives it (ContentTooLarge when it cannot be stored). */
  #blobs(ref: { id: string }, content: ViewContent): Blobs {
    return new Map([[ref.id, this.#codec.encode(content)]]);
  }

  // Reads (view-reads.ts and listing-reads.ts say why each is safe against read-committed tearing).

  async readHead(instanceId: string, viewId: string): Promise<ViewHead | undefined> {
    return (await readHeadState(this.#io, instanceId, viewId)).head;
  }

  readHeadState(instanceId: string, viewId: string): Promise<{ head?: ViewHead; deleting: boolean }> {
    return readHeadState(this.#io, instanceId, viewId);
  }

  readAlias(instanceId: string, viewId: string, alias: 'LATEST' | 'SAVED'): Promise<AliasRead | undefined> {
    return readAlias(this.#io, this.#codec, instanceId, viewId, alias);
  }

  readVersion(instanceId: string, viewId: string, version: number, withContent = true): Promise<VersionRead> {
    return readVersion(this.#io, this.#codec, instanceId, viewId, version, withContent);
  }

  listVersions(instanceId: string, viewId: string, limit: number, after?: string): Promise<VersionPage> {
    return listVersions(this.#io, instanceId, viewId, limit, after);
  }

  listViews(instanceId: string, type: ViewType | undefined, limit: number, after?: string): Promise<Page<ListedView>> {
    return listViews(this.#io, instanceId, type, limit, after);
  }

  /** The instance's listing from just after `after`, one query page at a time (SearchViews). */
  walkListing(instanceId: string, type: ViewType | undefined, after: string | undefined): ListingWalk {
    return new ListingWalk(this.#io, instanceId, type, after);
  }

  /** How many views the instance has (undefined for an instance older than the count). */
  async readViewCount(instanceId: string): Promise<number | undefined> {
    const shards = Array.from({ length: VIEW_COUNT_SHARDS }, (_, shard) => key(instancePartition(instanceId), viewCountSk(shard)));
    const found = [...(await this.#io.batchGet(shards)).values()];
    return found.length === 0 ? undefined : found.reduce((sum, item) => sum + Number(item['views'] ?? 0), 0);
  }

  async readClientToken(instanceId: string, tokenHash: string): Promise<ClientTokenRecord | undefined> {
    const item = await this.#io.get(key(instancePartition(instanceId), tokenSk(tokenHash)));
    if (!item || Number(item[TTL_ATTRIBUTE]) < this.now() / 1000) return undefined;
    return { tokenHash, viewId: String(item['viewId']), fingerprint: String(item['fingerprint']), expiresAt: Number(item[TTL_ATTRIBUTE]) };
  }

  // Writes, each with the guards that make it safe (write-plan.ts says what each action requires).

  /** CreateView: head, name claim, content (`head.saved`'s) and, optionally, the ClientToken record, all or nothing. */
  async createView(head: ViewHead, content: ViewContent, token?: ClientTokenRecord): Promise<void> {
    const extra = [viewCountChange(this.#tableName, head.instanceId, head.viewId, 1)];
    if (token) extra.push(clientTokenPut(this.#tableName, head.instanceId, token, this.now()));
    await this.#change('createView', undefined, head, { blobs: this.#blobs(head.saved, content), extra });
  }

  /**
   * UpdateViewContent (`content` is what `after.saved` refers to). UpdateViewContent and
   * CreateViewVersion set LastModifiedTime, each to a time after the one it read, and require that
   * one to be unchanged: so these writes are ordered by their times, and LastModifiedTime stands for
   * everything they change — `$SAVED` and `$LATEST` (whose chunks a content write deletes as read),
   * the status, the version counter.
   *
   * UpdateViewContent also requires the description and tags it answers with to be unchanged, so
   * that its answer is one state of the view. The listing item it updates must still be this
   * view's: a concurrent rename makes it read again.
   */
  async saveContent(before: ViewHead, after: ViewHead, content: ViewContent): Promise<void> {
    await this.#change('saveContent', before, after, {
      guards: ['lastModifiedTime', 'description', 'tags'],
      blobs: this.#blobs(after.saved, content),
    });
  }

  /**
   * UpdateViewMetadata. A rename puts a new listing item that copies the listed fields as read
   * (the description, the tags, and the status and LastModifiedTime that every content write
   * changes), so those must be unchanged; the old item must still be this view's (a concurrent
   * rename). A description alone needs no guard: it replaces what was there.
   */
  async saveMetadata(before: ViewHead, after: ViewHead): Promise<void> {
    const renamed = before.name !== after.name;
    await this.#change('saveMetadata', before, after, { guards: renamed ? ['description', 'tags', 'lastModifiedTime'] : [] });
  }

  /** TagResource / UntagResource: the new tags are derived from the ones read. */
  async saveTags(before: ViewHead, after: ViewHead): Promise<void> {
    await this.#change('saveTags', before, after, { guards: ['tags'] });
  }

  /**
   * CreateViewVersion's single write; `latest` is `$LATEST`'s content as read with `before`, copied
   * into the version. Unchanged LastModifiedTime (see saveContent) means the same `$LATEST` (so a
   * ViewContentSha256 precondition holds at the commit) and the same counter (so the number is the
   * next one). The version snapshots the description, and the answer carries the tags: both
   * unchanged too. The name is the listing update's, which requires the item keyed by it.
   */
  async publishVersion(before: ViewHead, after: ViewHead, record: VersionRecord, latest: ViewContent, event: ViewEvent): Promise<void> {
    const blobs = this.#blobs(record.content, latest);
    await this.#change('publishVersion', before, after, {
      guards: ['lastModifiedTime', 'description', 'tags'],
      blobs,
      extra: [...versionPuts(this.#tableName, before, record, blobs.get(record.content.id)!), outboxEvent(this.#tableName, event)],
    });
  }

  /** DeleteViewVersion. Clearing `highest` is only right while this version still is the highest. */
  async deleteVersion(before: ViewHead, after: ViewHead, record: VersionRecord, event: ViewEvent): Promise<void> {
    await this.#change('deleteVersion', before, after, {
      guards: before.highest?.version === record.version ? ['highest'] : [],
      extra: [...versionDeletes(this.#tableName, before, record), outboxEvent(this.#tableName, event)],
    });
  }

  /**
   * DeleteView, step one: the view disappears atomically (head becomes a tombstone, listing and
   * name claim go) and a purge request is recorded in the same transaction, so the purge of its
   * other items happens whatever becomes of this request.
   */
  async beginDelete(before: ViewHead, event: ViewEvent, purgeId: string): Promise<void> {
    await this.#change('beginDelete', before, before, {
      tombstone: true,
      extra: [
        outboxEvent(this.#tableName, event),
        purgeRequest(this.#tableName, before.instanceId, before.viewId, purgeId, this.now()),
        viewCountChange(this.#tableName, before.instanceId, before.viewId, -1),
      ],
    });
  }

  /** A DeleteView of a view whose purge has not finished asks for the purge again. */
  async requestPurge(instanceId: string, viewId: string, purgeId: string): Promise<void> {
    await this.#write('requestPurge', undefined, [purgeRequest(this.#tableName, instanceId, viewId, purgeId, this.now())]);
  }

  /** DeleteView, step two (purge.ts): returns false when `deadline` (real time) came first; calling it again goes on. */
  purgeView(instanceId: string, viewId: string, deadline: number): Promise<boolean> {
    return purgeView(this.#io, instanceId, viewId, deadline);
  }
}
