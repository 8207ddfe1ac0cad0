import { randomUUID } from 'node:crypto';
import { viewDeleted } from '#domain/events.ts';
import { validateInput } from '#domain/validation.ts';
import { retryOnConflict, viewNotFound, viewRefOf, type OperationHandler } from './context.ts';

interface DeleteViewRequest {
  InstanceId: string;
  ViewId: string;
}

/**
 * The view disappears in one transaction (its name is free at once); its versions and content are
 * then purged. A purge cut short by the time limit leaves a tombstone that the next DeleteView of
 * the same view resumes.
 */
export const deleteView: OperationHandler = async (raw, context) => {
  const input = validateInput<DeleteViewRequest>('DeleteViewRequest', raw);
  const ref = viewRefOf(input, context);
  const { store } = context;

  await retryOnConflict(async () => {
    const before = await store.readHead(ref.instanceId, ref.viewId);
    if (before) return store.beginDelete(before, viewDeleted(context.deployment, before, randomUUID(), context.now()));
    if (!(await store.isDeleting(ref.instanceId, ref.viewId))) throw viewNotFound(ref);
  });
  await store.purgeView(ref.instanceId, ref.viewId, context.deadline);
  return {};
};
