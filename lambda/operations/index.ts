import type { OperationName } from '#domain/model.ts';
import type { OperationHandler } from './context.ts';
import { createView } from './create-view.ts';
import { createViewVersion } from './create-view-version.ts';
import { deleteView } from './delete-view.ts';
import { deleteViewVersion } from './delete-view-version.ts';
import { describeView } from './describe-view.ts';
import { listViewVersions } from './list-view-versions.ts';
import { listViews } from './list-views.ts';
import { searchViews } from './search-views.ts';
import { listTagsForResource, tagResource, untagResource } from './tags.ts';
import { updateViewContent } from './update-view-content.ts';
import { updateViewMetadata } from './update-view-metadata.ts';

export const OPERATIONS: Record<OperationName, OperationHandler> = {
  CreateView: createView,
  DescribeView: describeView,
  UpdateViewContent: updateViewContent,
  UpdateViewMetadata: updateViewMetadata,
  DeleteView: deleteView,
  CreateViewVersion: createViewVersion,
  ListViewVersions: listViewVersions,
  DeleteViewVersion: deleteViewVersion,
  ListViews: listViews,
  TagResource: tagResource,
  UntagResource: untagResource,
  ListTagsForResource: listTagsForResource,
  SearchViews: searchViews,
};
