import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ViewContent } from '#domain/content.ts';
import type { ViewEvent } from '#domain/events.ts';
import type { ContentRef, ListedView, VersionRecord, ViewHead, ViewType } from '#domain/view.ts';
import { CHUNK_BYTES, encodeContent } from './content-codec.ts';
import { DynamoIo } from './dynamo-io.ts';
import { listViews, scanListings, type Page, type ScanNext, type ScanResult } from './listing-reads.ts';
import { purgeView } from './purge.ts';
import { instancePartition, key, tokenSk, TTL_ATTRIBUTE, VIEW_COUNT_SHARDS, viewCountSk } from './keys.ts';
import { listVersions, readAlias, readHeadState, readVersion, type AliasRead, type VersionPage, type VersionRead } from './view-reads.ts';
import {
  clientTokenPut,
  outboxEvent,
  planChange,
  purgeRequest,
  versionDeletes,
  viewCountChange,
  versionPuts,
  type Action,
  type ChangeOptions,
  type ClientTokenRecord,
} from './write-plan.ts';

export type { AliasRead, ClientTokenRecord, Page, VersionPage, VersionRead };
/** A view as the instance's listing holds it: what ListViews returns and SearchViews filters. */
export type ViewListing = ListedView;

/** Each kind of change the store writes, as the hooks name it. */
export type WriteKind =
  | 'createView'
  | 'saveContent'
  | 'saveMetadata'
  | 'saveTags'
  | 'publishVersion'
  | 'deleteVersion'
  | 'beginDelete'
  | 'requestPurge';

export interface StoreHooks {
  /**
   * Runs after a change was decided and before its transaction is sent: tests make other requests
   * land exactly between an operation's read and its write.
   */
  beforeWrite?: (kind: WriteKind, head: ViewHead | undefined) => Promise<void> | void;
}

/** Content ready to be written: its chunks, and the reference a head keeps to them. */
export interface StoredContent {
  ref: ContentRef;
  chunks: Uint8Array[];
}

export interface StoreOptions {
  /** Bytes per stored content chunk; smaller only in tests. */
  chunkBytes?: number;
}

/**
 * The only module that talks to DynamoDB. Every change of a view is one TransactWriteItems planned
 * by `write-plan.ts`: the head's changed fields, on the condition that the fields the change was
 * derived from still hold the values read, with the listing, content and outbox items it implies.
 * A lost race surfaces as ConcurrentModification; the operation reads again and decides again.
 */
export class ViewStore {
  readonly io: DynamoIo;
  readonly hooks: StoreHooks = {};
  readonly #chunkBytes: number;

  constructor(client: DynamoDBDocumentClient, tableName: string, options: StoreOptions = {}) {
    this.io = new DynamoIo(client, tableName);
    this.#chunkBytes = options.chunkBytes ?? CHUNK_BYTES;
  }

  get client(): DynamoDBDocumentClient {
    return this.io.client;
  }

  get tableName(): string {
    return this.io.tableName;
  }

  async #write(kind: WriteKind, head: ViewHead | undefined, actions: Action[]): Promise<void> {
    await this.hooks.beforeWrite?.(kind, head);
    await this.io.transact(actions);
  }

  #change(kind: WriteKind, before: ViewHead | undefined, after: ViewHead, options: ChangeOptions = {}): Promise<void> {
    return this.#write(kind, before, planChange(this.tableName, before, after, options));
  }

  /** Encodes content for a write under a new id (InvalidRequestException when it cannot be stored). */
  storable(content: ViewContent): StoredContent {
    const chunks = encodeContent(content, this.#chunkBytes);
    return { ref: { id: randomUUID(), sha256: content.sha256, chunks: chunks.length }, chunks };
  }

  // Reads (view-reads.ts and listing-reads.ts say why each is safe against read-committed tearing).

  async readHead(instanceId: string, viewId: string): Promise<ViewHead | undefined> {
    return (await readHeadState(this.io, instanceId, viewId)).head;
  }

  readHeadState(instanceId: string, viewId: string): Promise<{ head?: ViewHead; deleting: boolean }> {
    return readHeadState(this.io, instanceId, viewId);
  }

  readAlias(instanceId: string, viewId: string, alias: 'LATEST' | 'SAVED'): Promise<AliasRead | undefined> {
    return readAlias(this.io, instanceId, viewId, alias);
  }

  readVersion(instanceId: string, viewId: string, version: number, withContent = true): Promise<VersionRead> {
    return readVersion(this.io, instanceId, viewId, version, withContent);
  }

  listVersions(instanceId: string, viewId: string, limit: number, after?: string): Promise<VersionPage> {
    return listVersions(this.io, instanceId, viewId, limit, after);
  }

  listViews(instanceId: string, type: ViewType | undefined, limit: number, after?: string): Promise<Page<ViewListing>> {
    return listViews(this.io, instanceId, type, limit, after);
  }

  scanListings(
    instanceId: string,
    type: ViewType | undefined,
    after: string | undefined,
    limits: { maxRequests: number; firstLimit?: number },
    visit: (listing: ViewListing, sortKey: string) => 'stop' | undefined,
    more: () => ScanNext,
  ): Promise<ScanResult> {
    return scanListings(this.io, instanceId, type, after, limits, visit, more);
  }

  /** How many views the instance has (undefined for an instance older than the count). */
  async readViewCount(instanceId: string): Promise<number | undefined> {
    const shards = Array.from({ length: VIEW_COUNT_SHARDS }, (_, shard) => key(instancePartition(instanceId), viewCountSk(shard)));
    const found = [...(await this.io.batchGet(shards)).values()];
    return found.length === 0 ? undefined : found.reduce((sum, item) => sum + Number(item['views'] ?? 0), 0);
  }

  async readClientToken(instanceId: string, tokenHash: string): Promise<ClientTokenRecord | undefined> {
    const item = await this.io.get(key(instancePartition(instanceId), tokenSk(tokenHash)));
    if (!item || Number(item[TTL_ATTRIBUTE]) < Date.now() / 1000) return undefined;
    return { tokenHash, viewId: String(item['viewId']), fingerprint: String(item['fingerprint']), expiresAt: Number(item[TTL_ATTRIBUTE]) };
  }

  // Writes, each with the guards that make it safe (write-plan.ts says what each action requires).

  /** CreateView: head, name claim, content and (optionally) the ClientToken record, all or nothing. */
  async createView(head: ViewHead, content: StoredContent, token?: ClientTokenRecord): Promise<void> {
    const extra = [viewCountChange(this.tableName, head.instanceId, head.viewId, 1)];
    if (token) extra.push(clientTokenPut(this.tableName, head.instanceId, token, Date.now()));
    await this.#change('createView', undefined, head, { blobs: new Map([[content.ref.id, content.chunks]]), extra });
  }

  /**
   * UpdateViewContent and CreateViewVersion set LastModifiedTime, each to a time after the one it
   * read, and require that one to be unchanged: so these writes are ordered by their times, and
   * LastModifiedTime stands for everything they change — `$SAVED` and `$LATEST` (whose chunks a
   * content write deletes as read), the status, the version counter.
   *
   * UpdateViewContent also requires the description and tags it answers with to be unchanged, so
   * that its answer is one state of the view. The listing item it updates must still be this
   * view's: a concurrent rename makes it read again.
   */
  async saveContent(before: ViewHead, after: ViewHead, content: StoredContent): Promise<void> {
    await this.#change('saveContent', before, after, {
      guards: ['lastModifiedTime', 'description', 'tags'],
      blobs: new Map([[content.ref.id, content.chunks]]),
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
   * CreateViewVersion's single write. Unchanged LastModifiedTime (see saveContent) means the same
   * `$LATEST` (so a ViewContentSha256 precondition holds at the commit) and the same counter (so
   * the number is the next one). The version snapshots the description, and the answer carries the
   * tags: both unchanged too. The name is the listing update's, which requires the item keyed by it.
   */
  async publishVersion(before: ViewHead, after: ViewHead, record: VersionRecord, chunks: Uint8Array[], event: ViewEvent): Promise<void> {
    await this.#change('publishVersion', before, after, {
      guards: ['lastModifiedTime', 'description', 'tags'],
      extra: [...versionPuts(this.tableName, before, record, chunks), outboxEvent(this.tableName, event)],
    });
  }

  /** DeleteViewVersion. Clearing `highest` is only right while this version still is the highest. */
  async deleteVersion(before: ViewHead, after: ViewHead, record: VersionRecord, event: ViewEvent): Promise<void> {
    await this.#change('deleteVersion', before, after, {
      guards: before.highest?.version === record.version ? ['highest'] : [],
      extra: [...versionDeletes(this.tableName, before, record), outboxEvent(this.tableName, event)],
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
        outboxEvent(this.tableName, event),
        purgeRequest(this.tableName, before.instanceId, before.viewId, purgeId, Date.now()),
        viewCountChange(this.tableName, before.instanceId, before.viewId, -1),
      ],
    });
  }

  /** A DeleteView of a view whose purge has not finished asks for the purge again. */
  async requestPurge(instanceId: string, viewId: string, purgeId: string): Promise<void> {
    await this.#write('requestPurge', undefined, [purgeRequest(this.tableName, instanceId, viewId, purgeId, Date.now())]);
  }

  /** DeleteView, step two (purge.ts): returns false when `deadline` came first; calling it again goes on. */
  purgeView(instanceId: string, viewId: string, deadline: number): Promise<boolean> {
    return purgeView(this.io, instanceId, viewId, deadline);
  }
}
