import { CreateViewCommand, ListViewVersionsCommand, type ConnectClient, type View, type ViewStatus } from '@aws-sdk/client-connect';

let counter = 0;

export function template(marker: string | number = 'x'): string {
  return JSON.stringify({
    Head: { Title: '$.Title' },
    Body: [{ Type: 'Text', Props: { Text: `$.Customer.Name`, Marker: String(marker) } }],
  });
}

export function uniqueName(prefix = 'view'): string {
  counter += 1;
  return `${prefix}-${process.pid}-${counter}`;
}

export async function createView(
  client: ConnectClient,
  instanceId: string,
  options: {
    status?: ViewStatus;
    template?: string;
    actions?: string[];
    name?: string;
    description?: string;
    tags?: Record<string, string>;
  } = {},
): Promise<View> {
  const result = await client.send(
    new CreateViewCommand({
      InstanceId: instanceId,
      Name: options.name ?? uniqueName(),
      Status: options.status ?? 'PUBLISHED',
      Content: { Template: options.template ?? template(), Actions: options.actions ?? ['Submit'] },
      ...(options.description ? { Description: options.description } : {}),
      ...(options.tags ? { Tags: options.tags } : {}),
    }),
  );
  return result.View!;
}

/** The exception a promise rejects with (fails the test when it resolves). */
export async function failure(promise: Promise<unknown>): Promise<Error & { $metadata: { httpStatusCode?: number; requestId?: string } }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { $metadata: { httpStatusCode?: number; requestId?: string } };
  }
  throw new Error('expected the request to fail');
}

/** Every version number of a view, following NextTokens, in the order the service lists them. */
export async function listAllVersions(client: ConnectClient, instanceId: string, viewId: string, pageSize?: number): Promise<number[]> {
  const versions: number[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(
      new ListViewVersionsCommand({
        InstanceId: instanceId,
        ViewId: viewId,
        ...(pageSize ? { MaxResults: pageSize } : {}),
        ...(token ? { NextToken: token } : {}),
      }),
    );
    versions.push(...page.ViewVersionSummaryList!.map((v) => v.Version!));
    token = page.NextToken;
  } while (token);
  return versions;
}
