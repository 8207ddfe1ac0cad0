import { validateInput } from '#domain/validation.ts';
import type { ViewType } from '#domain/view.ts';
import { instanceIdOf, type OperationHandler } from './context.ts';
import { viewSummary } from './wire.ts';

interface ListViewsRequest {
  InstanceId: string;
  Type?: ViewType;
  NextToken?: string;
  MaxResults?: number;
}

/** Sorted by type, then name; one query per page. An instance without views lists nothing. */
export const listViews: OperationHandler = async (raw, context) => {
  const input = validateInput<ListViewsRequest>('ListViewsRequest', raw);
  const instanceId = instanceIdOf(input, context);
  const scope = `ListViews\n${instanceId}\n${input.Type ?? ''}`;
  const after = input.NextToken === undefined ? undefined : await context.tokens.open(scope, input.NextToken);

  const page = await context.store.listViews(instanceId, input.Type, input.MaxResults ?? 100, after);
  return {
    ViewsSummaryList: page.items.map((view) => viewSummary(context.deployment, instanceId, view)),
    ...(page.after === undefined ? {} : { NextToken: await context.tokens.issue(scope, page.after) }),
  };
};
