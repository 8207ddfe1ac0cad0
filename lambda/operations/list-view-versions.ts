import { validateInput } from '#domain/validation.ts';
import { viewNotFound, viewRefOf, type OperationHandler } from './context.ts';
import { versionSummary } from './wire.ts';

interface ListViewVersionsRequest {
  InstanceId: string;
  ViewId: string;
  NextToken?: string;
  MaxResults?: number;
}

/** Highest version first. A NextToken of a view deleted since is refused like the view itself. */
export const listViewVersions: OperationHandler = async (raw, context) => {
  const input = validateInput<ListViewVersionsRequest>('ListViewVersionsRequest', raw);
  const ref = viewRefOf(input, context);
  const scope = `ListViewVersions\n${ref.instanceId}\n${ref.viewId}`;
  const after = input.NextToken === undefined ? undefined : await context.tokens.open(scope, input.NextToken);

  const page = await context.store.listVersions(ref.instanceId, ref.viewId, input.MaxResults ?? 100, after);
  if (!page.head) throw viewNotFound(ref);
  return {
    ViewVersionSummaryList: page.versions.map((version) => versionSummary(context.deployment, ref.instanceId, ref.viewId, version)),
    ...(page.after === undefined ? {} : { NextToken: await context.tokens.issue(scope, page.after) }),
  };
};
