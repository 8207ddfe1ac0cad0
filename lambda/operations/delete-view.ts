import { randomUUID } from 'node:crypto';
import { viewDeleted } from '#domain/events.ts';
import { validateInput } from '#domain/validation.ts';
import { retryOnConflict, viewNotFound, viewRefOf, type OperationHandler } from './context.ts';

interface DeleteViewRequest {
  InstanceId: string;
  ViewId: string;
}

/**
 * How long DeleteView itself spends purging the view's versions and content: a small view is gone
 * before the answer; a larger one is finished from the change stream, driven by the purge request
 * its delete recorded, so no request runs long and no purge depends on a second call.
 */
export const INLINE_PURGE_MS = 500;

/**
 * The view disappears in one transaction (its name is free at once) that also records a purge
 * request. DeleteView of a view whose purge is still running answers as the first did and asks for
 * the purge again.
 */
export const deleteView: OperationHandler = async (raw, context) => {
  const input = validateInput<DeleteViewRequest>('DeleteViewRequest', raw);
  const ref = viewRefOf(input, context);
  const { store } = context;

  await retryOnConflict(async () => {
    const { head, deleting } = await store.readHeadState(ref.instanceId, ref.viewId);
    if (head) return store.beginDelete(head, viewDeleted(context.deployment, head, randomUUID(), context.now()), randomUUID());
    if (!deleting) throw viewNotFound(ref);
    return store.requestPurge(ref.instanceId, ref.viewId, randomUUID());
  });
  await store.purgeView(ref.instanceId, ref.viewId, Math.min(context.deadline, Date.now() + INLINE_PURGE_MS));
  return {};
};
