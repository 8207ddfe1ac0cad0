import type { ViewContent, ViewStatus } from '#domain/content.ts';
import { viewArn, viewVersionArn, type Deployment } from '#domain/identifiers.ts';
import type { ListedView, VersionRecord, ViewHead, ViewType } from '#domain/view.ts';

/**
 * The API's output shapes, as the model names their members: every response member an operation
 * returns is built here. Timestamps are epoch seconds (JSON numbers: an ISO string makes the JS SDK
 * throw); absent members are omitted, never null.
 */
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

/** `$SAVED` or `$LATEST`: no Version or VersionDescription; `$LATEST` is PUBLISHED, `$SAVED` has the last write's status. */
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

/** A ListViews entry (ViewSummary). */
export function viewSummary(deployment: Deployment, instanceId: string, view: ListedView) {
  return {
    Id: view.viewId,
    Arn: viewArn(deployment, instanceId, view.viewId),
    Name: view.name,
    Type: view.type,
    Status: view.status,
    ...(view.description === undefined ? {} : { Description: view.description }),
  };
}

/** A ListViewVersions entry (ViewVersionSummary). */
export function versionSummary(deployment: Deployment, instanceId: string, viewId: string, version: VersionRecord) {
  return {
    Id: viewId,
    Arn: viewVersionArn(deployment, instanceId, viewId, version.version),
    ...(version.description === undefined ? {} : { Description: version.description }),
    Name: version.name,
    Type: version.type,
    Version: version.version,
    ...(version.versionDescription === undefined ? {} : { VersionDescription: version.versionDescription }),
  };
}
