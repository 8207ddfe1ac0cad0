import { randomUUID } from 'node:crypto';
import {
  CreateViewCommand,
  CreateViewVersionCommand,
  DeleteViewCommand,
  DeleteViewVersionCommand,
  DescribeViewCommand,
  ListTagsForResourceCommand,
  ListViewsCommand,
  ListViewVersionsCommand,
  SearchViewsCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateViewContentCommand,
  UpdateViewMetadataCommand,
  type ConnectClient,
} from '@aws-sdk/client-connect';
import { template, uniqueName } from './fixtures.ts';

/**
 * Every operation of the API, each kind of write the store makes included: a ClientToken and its
 * replay, content saved and published, versions cut (and one unchanged), a rename, every list,
 * tags, SearchViews and DeleteView — and the changes that leave the view as it was (a repeated
 * tag, an absent tag key untagged, metadata set to what it is), whose transactions only check the
 * head. Resolves with the operations called; rejects at the first that fails.
 */
export async function walkEveryOperation(client: ConnectClient, instanceId = randomUUID()): Promise<string[]> {
  const called: string[] = [];
  const send = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
    called.push(name);
    return run();
  };
  const clientToken = randomUUID();
  const viewName = uniqueName('walk');
  const create = () =>
    client.send(
      new CreateViewCommand({
        InstanceId: instanceId,
        Name: viewName,
        Status: 'SAVED',
        Content: { Template: template('draft'), Actions: ['Submit'] },
        ClientToken: clientToken,
        Tags: { team: 'a' },
      }),
    );
  const { View: view } = await send('CreateView', create);
  await send('CreateView (replayed ClientToken)', create);
  const ViewId = view!.Id!;
  const resourceArn = view!.Arn!;
  await send('DescribeView ($SAVED)', () => client.send(new DescribeViewCommand({ InstanceId: instanceId, ViewId: `${ViewId}:$SAVED` })));
  await send('UpdateViewContent (PUBLISHED)', () =>
    client.send(
      new UpdateViewContentCommand({
        InstanceId: instanceId,
        ViewId,
        Status: 'PUBLISHED',
        Content: { Template: template(1), Actions: ['Submit'] },
      }),
    ),
  );
  const { View: v1 } = await send('CreateViewVersion', () =>
    client.send(new CreateViewVersionCommand({ InstanceId: instanceId, ViewId, VersionDescription: 'first' })),
  );
  await send('CreateViewVersion (unchanged)', () =>
    client.send(new CreateViewVersionCommand({ InstanceId: instanceId, ViewId, ViewContentSha256: v1!.ViewContentSha256! })),
  );
  await send('UpdateViewContent (PUBLISHED)', () =>
    client.send(
      new UpdateViewContentCommand({
        InstanceId: instanceId,
        ViewId,
        Status: 'PUBLISHED',
        Content: { Template: template(2), Actions: ['Submit'] },
      }),
    ),
  );
  await send('CreateViewVersion', () => client.send(new CreateViewVersionCommand({ InstanceId: instanceId, ViewId })));
  await send('UpdateViewContent (SAVED)', () =>
    client.send(
      new UpdateViewContentCommand({
        InstanceId: instanceId,
        ViewId,
        Status: 'SAVED',
        Content: { Template: template(3), Actions: ['Submit'] },
      }),
    ),
  );
  await send('DescribeView', () => client.send(new DescribeViewCommand({ InstanceId: instanceId, ViewId })));
  await send('DescribeView (:1)', () => client.send(new DescribeViewCommand({ InstanceId: instanceId, ViewId: `${ViewId}:1` })));
  const page = await send('ListViewVersions', () =>
    client.send(new ListViewVersionsCommand({ InstanceId: instanceId, ViewId, MaxResults: 1 })),
  );
  await send('ListViewVersions (next page)', () =>
    client.send(new ListViewVersionsCommand({ InstanceId: instanceId, ViewId, MaxResults: 1, NextToken: page.NextToken! })),
  );
  await send('DeleteViewVersion', () => client.send(new DeleteViewVersionCommand({ InstanceId: instanceId, ViewId, ViewVersion: 1 })));
  const name = uniqueName('renamed');
  await send('UpdateViewMetadata (rename)', () =>
    client.send(new UpdateViewMetadataCommand({ InstanceId: instanceId, ViewId, Name: name, Description: 'walked' })),
  );
  await send('UpdateViewMetadata (unchanged)', () =>
    client.send(new UpdateViewMetadataCommand({ InstanceId: instanceId, ViewId, Name: name, Description: 'walked' })),
  );
  await send('TagResource', () => client.send(new TagResourceCommand({ resourceArn, tags: { stage: 'dev' } })));
  await send('TagResource (repeated)', () => client.send(new TagResourceCommand({ resourceArn, tags: { stage: 'dev' } })));
  await send('UntagResource', () => client.send(new UntagResourceCommand({ resourceArn, tagKeys: ['team'] })));
  await send('UntagResource (absent key)', () => client.send(new UntagResourceCommand({ resourceArn, tagKeys: ['team'] })));
  await send('ListTagsForResource', () => client.send(new ListTagsForResourceCommand({ resourceArn })));
  await send('ListViews', () => client.send(new ListViewsCommand({ InstanceId: instanceId })));
  await send('SearchViews', () =>
    client.send(
      new SearchViewsCommand({
        InstanceId: instanceId,
        SearchCriteria: { StringCondition: { FieldName: 'name', Value: 'renamed', ComparisonType: 'CONTAINS' } },
      }),
    ),
  );
  await send('DeleteView', () => client.send(new DeleteViewCommand({ InstanceId: instanceId, ViewId })));
  return called;
}
