import { viewArn, viewVersionArn, type Deployment } from './identifiers.ts';
import type { VersionRecord, ViewHead } from './view.ts';

/**
 * The events the service emits (source `views.service`): one per committed new version, version
 * deletion and view deletion. They are written as outbox items in the very transaction of the
 * change and published from the table's change stream, so an event exists if and only if the
 * change committed.
 */
export const EVENT_SOURCE = 'views.service';

export type ViewEventType = 'View Version Published' | 'View Version Deleted' | 'View Deleted';

export interface ViewEventDetail {
  eventId: string;
  instanceId: string;
  viewId: string;
  viewArn: string;
  version?: number;
  versionArn?: string;
  viewContentSha256?: string;
  /** ISO 8601, when the change was made. */
  time: string;
}

export interface ViewEvent {
  detailType: ViewEventType;
  detail: ViewEventDetail;
}

function base(deployment: Deployment, head: ViewHead, eventId: string, now: number): ViewEventDetail {
  return {
    eventId,
    instanceId: head.instanceId,
    viewId: head.viewId,
    viewArn: viewArn(deployment, head.instanceId, head.viewId),
    time: new Date(now).toISOString(),
  };
}

function ofVersion(
  deployment: Deployment,
  head: ViewHead,
  version: VersionRecord,
): Pick<ViewEventDetail, 'version' | 'versionArn' | 'viewContentSha256'> {
  return {
    version: version.version,
    versionArn: viewVersionArn(deployment, head.instanceId, head.viewId, version.version),
    viewContentSha256: version.content.sha256,
  };
}

export function versionPublished(deployment: Deployment, head: ViewHead, version: VersionRecord, eventId: string, now: number): ViewEvent {
  return {
    detailType: 'View Version Published',
    detail: { ...base(deployment, head, eventId, now), ...ofVersion(deployment, head, version) },
  };
}

export function versionDeleted(deployment: Deployment, head: ViewHead, version: VersionRecord, eventId: string, now: number): ViewEvent {
  return {
    detailType: 'View Version Deleted',
    detail: { ...base(deployment, head, eventId, now), ...ofVersion(deployment, head, version) },
  };
}

export function viewDeleted(deployment: Deployment, head: ViewHead, eventId: string, now: number): ViewEvent {
  return { detailType: 'View Deleted', detail: base(deployment, head, eventId, now) };
}
