import type { ViewType } from '#domain/view.ts';
import { validateInput } from '#domain/validation.ts';
import { viewArn } from '#domain/identifiers.ts';
import { instanceIdOf, type OperationHandler } from './context.ts';

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
  const after = input.NextToken === undefined ? undefined : context.tokens.open(scope, input.NextToken);

  const page = await context.store.listViews(instanceId, input.Type, input.MaxResults ?? 100, after);
  return {
    ViewsSummaryList: page.items.map((view) => ({
      Id: view.viewId,
      Arn: viewArn(context.deployment, instanceId, view.viewId),
      Name: view.name,
      Type: view.type,
      Status: view.status,
      ...(view.description === undefined ? {} : { Description: view.description }),
    })),
    ...(page.after === undefined ? {} : { NextToken: context.tokens.issue(scope, page.after) }),
  };
};
