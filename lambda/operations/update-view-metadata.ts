import { InvalidParameterException } from '#domain/errors.ts';
import { validateInput } from '#domain/validation.ts';
import { retryOnConflict, viewNotFound, viewRefOf, type OperationHandler } from './context.ts';

interface UpdateViewMetadataRequest {
  InstanceId: string;
  ViewId: string;
  Name?: string;
  Description?: string;
}

/**
 * Renames move the view's name claim in the same transaction, so names stay unique per instance.
 * LastModifiedTime is left as it is: it is the time of the last UpdateViewContent or CreateViewVersion.
 */
export const updateViewMetadata: OperationHandler = async (raw, context) => {
  const input = validateInput<UpdateViewMetadataRequest>('UpdateViewMetadataRequest', raw);
  if (input.Name === undefined && input.Description === undefined) {
    throw new InvalidParameterException('Invalid parameter: provide Name, Description or both.');
  }
  const ref = viewRefOf(input, context);

  await retryOnConflict(async () => {
    const before = await context.store.readHead(ref.instanceId, ref.viewId);
    if (!before) throw viewNotFound(ref);
    await context.store.saveMetadata(before, {
      ...before,
      name: input.Name ?? before.name,
      ...(input.Description === undefined ? {} : { description: input.Description }),
    });
  });
  return {};
};
