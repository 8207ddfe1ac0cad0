import {
  DescribeViewCommand,
  ListViewsCommand,
  ListViewVersionsCommand,
  type ConnectClient,
  type View,
  type ViewSummary,
  type ViewVersionSummary,
} from '@aws-sdk/client-connect';
import { canonicalJson } from './json.ts';

/** Which state of a view to read: the published alias, the draft alias, or a numbered version. */
export type Qualifier = '$LATEST' | '$SAVED' | number;

/**
 * A view's content as the tool handles it: the template parsed (files hold it as an object, diffs
 * go by path). A draft (`$SAVED`) may hold text that is not JSON; it is kept as `templateText`.
 */
export interface ViewContentData {
  template?: unknown;
  templateText?: string;
  actions: string[];
}

export interface ViewSnapshot {
  id: string;
  arn: string;
  name: string;
  description?: string;
  type?: string;
  status?: string;
  version?: number;
  versionDescription?: string;
  sha: string;
  content: ViewContentData;
  inputSchema?: unknown;
  tags: Record<string, string>;
  createdTime?: Date;
  lastModifiedTime?: Date;
}

export function qualifiedId(viewId: string, qualifier: Qualifier): string {
  return `${viewId}:${qualifier}`;
}

/** Parses a qualifier as typed on a command line: `$LATEST`, `$SAVED`, `:3`, `3`. */
export function parseQualifier(text: string): Qualifier | undefined {
  if (text === '$LATEST' || text === '$SAVED') return text;
  const match = /^:?(\d+)$/.exec(text);
  return match ? Number(match[1]) : undefined;
}

export function contentFromTemplateText(template: string | undefined, actions: string[] | undefined): ViewContentData {
  const content: ViewContentData = { actions: [...(actions ?? [])] };
  if (template === undefined) return content;
  try {
    content.template = JSON.parse(template);
  } catch {
    content.templateText = template;
  }
  return content;
}

/** The template as the API takes it: compact JSON of the object, or the draft's text as it was. */
export function templateTextOf(content: ViewContentData): string | undefined {
  if (content.template !== undefined) return JSON.stringify(content.template);
  return content.templateText;
}

/** Equal when the templates are equal JSON (key order aside) and the actions are the same list. */
export function sameContent(a: ViewContentData | undefined, b: ViewContentData | undefined): boolean {
  if (!a || !b) return a === b;
  return (
    canonicalJson(a.actions) === canonicalJson(b.actions) &&
    canonicalJson(a.template ?? null) === canonicalJson(b.template ?? null) &&
    (a.templateText ?? null) === (b.templateText ?? null)
  );
}

function snapshotOf(view: View): ViewSnapshot {
  const content = contentFromTemplateText(view.Content?.Template, view.Content?.Actions);
  let inputSchema: unknown;
  if (view.Content?.InputSchema) {
    try {
      inputSchema = JSON.parse(view.Content.InputSchema);
    } catch {
      inputSchema = view.Content.InputSchema;
    }
  }
  return {
    id: view.Id!,
    arn: view.Arn!,
    name: view.Name!,
    ...(view.Description !== undefined ? { description: view.Description } : {}),
    ...(view.Type ? { type: view.Type } : {}),
    ...(view.Status ? { status: view.Status } : {}),
    ...(view.Version !== undefined ? { version: view.Version } : {}),
    ...(view.VersionDescription !== undefined ? { versionDescription: view.VersionDescription } : {}),
    sha: view.ViewContentSha256 ?? '',
    content,
    ...(inputSchema !== undefined ? { inputSchema } : {}),
    tags: { ...(view.Tags ?? {}) },
    ...(view.CreatedTime ? { createdTime: view.CreatedTime } : {}),
    ...(view.LastModifiedTime ? { lastModifiedTime: view.LastModifiedTime } : {}),
  };
}

export function isNotFound(error: unknown): boolean {
  return (error as Error | undefined)?.name === 'ResourceNotFoundException';
}

/**
 * One state of a view (DescribeView of `viewId:$SAVED`, `viewId:3`, …). `undefined` when it does
 * not exist, e.g. `$LATEST` of a view that was only ever saved.
 */
export async function readView(
  client: ConnectClient,
  instanceId: string,
  viewId: string,
  qualifier: Qualifier,
): Promise<ViewSnapshot | undefined> {
  try {
    const { View } = await client.send(new DescribeViewCommand({ InstanceId: instanceId, ViewId: qualifiedId(viewId, qualifier) }));
    return View ? snapshotOf(View) : undefined;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

export interface ListViewsOptions {
  /** AWS-managed views are left out unless asked for: they cannot be created or changed. */
  includeAwsManaged?: boolean;
}

/** Every view of the instance, page after page (customer-managed only unless asked), sorted by name. */
export async function listAllViews(client: ConnectClient, instanceId: string, options: ListViewsOptions = {}): Promise<ViewSummary[]> {
  const views: ViewSummary[] = [];
  for (const type of options.includeAwsManaged ? (['CUSTOMER_MANAGED', 'AWS_MANAGED'] as const) : (['CUSTOMER_MANAGED'] as const)) {
    let nextToken: string | undefined;
    do {
      const page = await client.send(new ListViewsCommand({ InstanceId: instanceId, Type: type, MaxResults: 100, NextToken: nextToken }));
      views.push(...(page.ViewsSummaryList ?? []));
      nextToken = page.NextToken;
    } while (nextToken);
  }
  return views.sort((a, b) => compareText(a.Name ?? '', b.Name ?? ''));
}

/** Every version of a view, highest first (as ListViewVersions gives them). */
export async function listAllVersions(client: ConnectClient, instanceId: string, viewId: string): Promise<ViewVersionSummary[]> {
  const versions: ViewVersionSummary[] = [];
  let nextToken: string | undefined;
  do {
    const page = await client.send(
      new ListViewVersionsCommand({ InstanceId: instanceId, ViewId: viewId, MaxResults: 100, NextToken: nextToken }),
    );
    versions.push(...(page.ViewVersionSummaryList ?? []));
    nextToken = page.NextToken;
  } while (nextToken);
  return versions.sort((a, b) => (b.Version ?? 0) - (a.Version ?? 0));
}

/** The highest version number, or undefined when the view has none. */
export async function highestVersion(client: ConnectClient, instanceId: string, viewId: string): Promise<number | undefined> {
  const page = await client.send(new ListViewVersionsCommand({ InstanceId: instanceId, ViewId: viewId, MaxResults: 1 }));
  // Highest first per the API; a page of one may still hold more on later pages, so take the max of what came.
  const numbers = (page.ViewVersionSummaryList ?? []).map((v) => v.Version ?? 0);
  return numbers.length > 0 ? Math.max(...numbers) : undefined;
}

/** Code-point order: the same on every machine and locale, so listings and files are deterministic. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export interface ViewRef {
  id: string;
  arn: string;
  name: string;
}

/**
 * A view named on the command line: its ARN, its id, or its name (looked up in ListViews).
 * ARNs and ids are passed through as Connect takes them.
 */
export async function resolveView(client: ConnectClient, instanceId: string, ref: string): Promise<ViewRef> {
  const views = await listAllViews(client, instanceId, { includeAwsManaged: true });
  const found = views.find((view) => view.Arn === ref || view.Id === ref) ?? views.find((view) => view.Name === ref);
  if (!found) throw new ViewNotFoundError(ref);
  return { id: found.Id!, arn: found.Arn!, name: found.Name! };
}

export class ViewNotFoundError extends Error {
  override name = 'ViewNotFoundError';
  readonly ref: string;
  constructor(ref: string) {
    super(`${ref}: no view of that name, id or ARN in the instance`);
    this.ref = ref;
  }
}
