import { ResourceNotFoundException } from '#domain/errors.ts';
import { validateInput } from '#domain/validation.ts';
import { viewNotFound, viewRefOf, type OperationHandler } from './context.ts';
import { aliasView, versionView } from './wire.ts';

interface DescribeViewRequest {
  InstanceId: string;
  ViewId: string;
}

/** A bare id reads `$LATEST`; `:$SAVED` reads the draft; `:N` reads an immutable version. */
export const describeView: OperationHandler = async (raw, context) => {
  const input = validateInput<DescribeViewRequest>('DescribeViewRequest', raw);
  const ref = viewRefOf(input, context, true);
  const { store, deployment } = context;

  if (ref.qualifier?.kind === 'VERSION') {
    const version = ref.qualifier.version;
    const read = await store.readVersion(ref.instanceId, ref.viewId, version);
    if (!read.head) throw viewNotFound(ref);
    if (!read.version) throw new ResourceNotFoundException(`Version ${version} of view ${ref.viewId} does not exist.`);
    return { View: versionView(deployment, read.head, read.version, read.content!) };
  }

  const alias = ref.qualifier?.kind ?? 'LATEST';
  const read = await store.readAlias(ref.instanceId, ref.viewId, alias);
  if (!read) throw viewNotFound(ref);
  if (!read.content) {
    throw new ResourceNotFoundException(
      `View ${ref.viewId} has never been published, so it has no $LATEST; describe ${ref.viewId}:$SAVED instead.`,
    );
  }
  return { View: aliasView(deployment, read.head, alias, read.content) };
};
