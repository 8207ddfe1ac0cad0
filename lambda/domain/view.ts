import { randomUUID } from 'node:crypto';
import type { ViewContent, ViewStatus } from './content.ts';

export type ViewType = 'CUSTOMER_MANAGED' | 'AWS_MANAGED';

/**
 * A piece of content as a head or version refers to it: its id (content is never rewritten under
 * an id, so a reader can tell a half-applied change from a whole one) and what it hashes to. How it
 * is stored is the store's business.
 */
export interface ContentRef {
  id: string;
  sha256: string;
}

/** A reference for content about to be written: a new id, never used before. */
export function newContentRef(content: Pick<ViewContent, 'sha256'>): ContentRef {
  return { id: randomUUID(), sha256: content.sha256 };
}

/** An immutable published version as the version list and the head record it. */
export interface VersionRecord {
  version: number;
  versionDescription?: string;
  /** Name and description are snapshots: a version is the view as it was published. */
  name: string;
  description?: string;
  type: ViewType;
  content: ContentRef;
  /** Epoch milliseconds. */
  publishedTime: number;
  viewCreatedTime: number;
}

/** The mutable state of one view: metadata, the two aliases, the version counter and tags. */
export interface ViewHead {
  instanceId: string;
  viewId: string;
  name: string;
  description?: string;
  type: ViewType;
  /** Status of the last content write: what `$SAVED` reports. */
  status: ViewStatus;
  saved: ContentRef;
  latest?: ContentRef;
  /** Highest version number ever minted; never decreases, so numbers are never reused. */
  versionCounter: number;
  /** The highest version while it exists; cleared when that version is deleted. */
  highest?: VersionRecord;
  /**
   * How many versions exist, kept in the transactions that create and delete them, so that a list
   * of all of them can be told complete; absent on views stored before it was kept.
   */
  versions?: number;
  tags: Record<string, string>;
  createdTime: number;
  lastModifiedTime: number;
}

/**
 * LastModifiedTime of an UpdateViewContent or CreateViewVersion ("the latest timestamp of the
 * UpdateViewContent or CreateViewVersion operations"): now, but always after the time it replaces.
 * Those writes require the time they read to be unchanged (ViewStore), so a view's times increase
 * in the order its changes committed, even across machines whose clocks differ.
 */
export function nextModifiedTime(before: Pick<ViewHead, 'lastModifiedTime'>, now: number): number {
  return Math.max(now, before.lastModifiedTime + 1);
}

/** A view's metadata as the instance's listing holds it (no content: DescribeView reads that). */
export interface ListedView {
  viewId: string;
  name: string;
  description?: string;
  type: ViewType;
  status: ViewStatus;
  tags: Record<string, string>;
  createdTime: number;
  lastModifiedTime: number;
}
