import type { OperationName } from '#domain/model.ts';

/**
 * Routes on the URI grammar of the API, never by splitting on `/`: API Gateway hands the handler the
 * decoded path, and a ViewId (or InstanceId) that is an ARN contains `/` and `:` of its own.
 */
export interface Route {
  operation: OperationName;
  labels: Record<string, string>;
}

export type RouteResult = { kind: 'matched'; route: Route } | { kind: 'method'; allowed: string[] } | { kind: 'unknown' };

type Resource = 'views' | 'view' | 'metadata' | 'versions' | 'version' | 'tags' | 'search';

const METHODS: Record<Resource, Partial<Record<string, OperationName>>> = {
  views: { PUT: 'CreateView', GET: 'ListViews' },
  view: { GET: 'DescribeView', POST: 'UpdateViewContent', DELETE: 'DeleteView' },
  metadata: { POST: 'UpdateViewMetadata' },
  versions: { PUT: 'CreateViewVersion', GET: 'ListViewVersions' },
  version: { DELETE: 'DeleteViewVersion' },
  tags: { POST: 'TagResource', DELETE: 'UntagResource', GET: 'ListTagsForResource' },
  search: { POST: 'SearchViews' },
};

const INSTANCE_ARN = /^arn:[^/]*:instance\/[^/]*/;
const VIEW_ARN = /^arn:[^/]*:instance\/[^/]*\/view\/[^/]*/;

/** Takes one label off the front of `rest`: an ARN spans its own slashes, anything else ends at `/`. */
function takeLabel(rest: string, arn: RegExp): { label: string; rest: string } {
  const match = rest.startsWith('arn:') ? arn.exec(rest) : null;
  const label = match ? match[0] : rest.split('/', 1)[0]!;
  return { label, rest: rest.slice(label.length) };
}

function resolve(path: string): { resource: Resource; labels: Record<string, string> } | undefined {
  if (path === '/search-views') return { resource: 'search', labels: {} };
  if (path.startsWith('/tags/')) return { resource: 'tags', labels: { resourceArn: path.slice('/tags/'.length) } };
  if (!path.startsWith('/views/')) return undefined;

  const instance = takeLabel(path.slice('/views/'.length), INSTANCE_ARN);
  const labels: Record<string, string> = { InstanceId: instance.label };
  if (instance.rest === '') return { resource: 'views', labels };
  if (!instance.rest.startsWith('/')) return undefined;

  const view = takeLabel(instance.rest.slice(1), VIEW_ARN);
  labels['ViewId'] = view.label;
  const suffix = view.rest;
  if (suffix === '') return { resource: 'view', labels };
  if (suffix === '/metadata') return { resource: 'metadata', labels };
  if (suffix === '/versions') return { resource: 'versions', labels };
  const version = /^\/versions\/([^/]*)$/.exec(suffix);
  if (version) return { resource: 'version', labels: { ...labels, ViewVersion: version[1]! } };
  return undefined;
}

export function route(method: string, path: string): RouteResult {
  const resolved = resolve(path);
  if (!resolved) return { kind: 'unknown' };
  const methods = METHODS[resolved.resource];
  const operation = methods[method.toUpperCase()];
  if (!operation) return { kind: 'method', allowed: Object.keys(methods) };
  return { kind: 'matched', route: { operation, labels: resolved.labels } };
}
