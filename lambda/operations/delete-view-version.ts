import { randomUUID } from 'node:crypto';
import { InvalidParameterException, ResourceNotFoundException } from '#domain/errors.ts';
import { versionDeleted } from '#domain/events.ts';
import { MAX_VERSION } from '#domain/identifiers.ts';
import { validateInput } from '#domain/validation.ts';
import type { ViewHead } from '#domain/view.ts';
import { retryOnConflict, viewNotFound, viewRefOf, type OperationHandler } from './context.ts';

interface DeleteViewVersionRequest {
  InstanceId: string;
  ViewId: string;
  ViewVersion: number;
}

/** The number is never reused: deleting the highest version makes the next publish mint a new one. */
export const deleteViewVersion: OperationHandler = async (raw, context) => {
  const input = validateInput<DeleteViewVersionRequest>('DeleteViewVersionRequest', raw);
  if (input.ViewVersion < 1 || input.ViewVersion > MAX_VERSION) {
    throw new InvalidParameterException(`Invalid parameter ViewVersion: must be between 1 and ${MAX_VERSION}.`);
  }
  const ref = viewRefOf(input, context);

  await retryOnConflict(async () => {
    const read = await context.store.readVersion(ref.instanceId, ref.viewId, input.ViewVersion, false);
    if (!read.head) throw viewNotFound(ref);
    if (!read.version) throw new ResourceNotFoundException(`Version ${input.ViewVersion} of view ${ref.viewId} does not exist.`);
    const { highest, ...rest } = read.head;
    const after: ViewHead = {
      ...(highest?.version === input.ViewVersion ? rest : read.head),
      ...(read.head.versions === undefined ? {} : { versions: read.head.versions - 1 }),
    };
    const event = versionDeleted(context.deployment, read.head, read.version, randomUUID(), context.now());
    await context.store.deleteVersion(read.head, after, read.version, event);
  });
  return {};
};
