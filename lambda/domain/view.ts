import type { ViewContent, ViewStatus } from './content.ts';
import { viewArn, viewVersionArn, type Deployment } from './identifiers.ts';

export type ViewType = 'CUSTOMER_MANAGED' | 'AWS_MANAGED';

/** Where a piece of content is stored and what it hashes to (not the content itself). */
export interface ContentRef {
  id: string;
  sha256: string;
  chunks: number;
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

/** The View shape on the wire (timestamps as epoch seconds, absent members omitted). */
export interface WireView {
  Id: string;
  Arn: string;
  Name: string;
  Status: ViewStatus;
  Type: ViewType;
  Description?: string;
  Version?: number;
  VersionDescription?: string;
  Content: { InputSchema: string; Template?: string; Actions: string[] };
  Tags?: Record<string, string>;
  CreatedTime: number;
  LastModifiedTime: number;
  ViewContentSha256: string;
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

export function epochSeconds(millis: number): number {
  return millis / 1000;
}

function wireContent(content: ViewContent): WireView['Content'] {
  return {
    InputSchema: content.inputSchema,
    ...(content.template === undefined ? {} : { Template: content.template }),
    Actions: content.actions,
  };
}

function wireTags(tags: Record<string, string>): Pick<WireView, 'Tags'> {
  return Object.keys(tags).length > 0 ? { Tags: tags } : {};
}

/** `$SAVED` or `$LATEST`: no Version or VersionDescription, status per alias (spec §4). */
export function aliasView(deployment: Deployment, head: ViewHead, alias: 'LATEST' | 'SAVED', content: ViewContent): WireView {
  return {
    Id: head.viewId,
    Arn: viewArn(deployment, head.instanceId, head.viewId),
    Name: head.name,
    Status: alias === 'LATEST' ? 'PUBLISHED' : head.status,
    Type: head.type,
    ...(head.description === undefined ? {} : { Description: head.description }),
    Content: wireContent(content),
    ...wireTags(head.tags),
    CreatedTime: epochSeconds(head.createdTime),
    LastModifiedTime: epochSeconds(head.lastModifiedTime),
    ViewContentSha256: content.sha256,
  };
}

export function versionView(deployment: Deployment, head: ViewHead, version: VersionRecord, content: ViewContent): WireView {
  return {
    Id: head.viewId,
    Arn: viewVersionArn(deployment, head.instanceId, head.viewId, version.version),
    Name: version.name,
    Status: 'PUBLISHED',
    Type: version.type,
    ...(version.description === undefined ? {} : { Description: version.description }),
    Version: version.version,
    ...(version.versionDescription === undefined ? {} : { VersionDescription: version.versionDescription }),
    Content: wireContent(content),
    ...wireTags(head.tags),
    CreatedTime: epochSeconds(version.viewCreatedTime),
    LastModifiedTime: epochSeconds(version.publishedTime),
    ViewContentSha256: content.sha256,
  };
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

export function searchResultView(
  deployment: Deployment,
  instanceId: string,
  view: ListedView,
): Omit<WireView, 'Content' | 'ViewContentSha256'> {
  return {
    Id: view.viewId,
    Arn: viewArn(deployment, instanceId, view.viewId),
    Name: view.name,
    Status: view.status,
    Type: view.type,
    ...(view.description === undefined ? {} : { Description: view.description }),
    ...wireTags(view.tags),
    CreatedTime: epochSeconds(view.createdTime),
    LastModifiedTime: epochSeconds(view.lastModifiedTime),
  };
}
