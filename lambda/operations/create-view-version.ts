import { randomUUID } from 'node:crypto';
import { versionPublished } from '#domain/events.ts';
import { validateInput } from '#domain/validation.ts';
import { viewArn } from '#domain/identifiers.ts';
import { decidePublish } from '#domain/versioning.ts';
import { nextModifiedTime, type VersionRecord, type ViewHead } from '#domain/view.ts';
import { ConcurrentModification } from '#store/errors.ts';
import { retryOnConflict, viewNotFound, viewRefOf, type OperationHandler } from './context.ts';
import { versionView } from './wire.ts';

interface CreateViewVersionRequest {
  InstanceId: string;
  ViewId: string;
  VersionDescription?: string;
  ViewContentSha256?: string;
}

/**
 * One consistent read of the head with `$LATEST`, then one transaction that advances the version
 * counter on the condition that counter and `$LATEST` are unchanged and puts the immutable
 * version. Unchanged content returns the highest version and writes nothing.
 */
export const createViewVersion: OperationHandler = async (raw, context) => {
  const input = validateInput<CreateViewVersionRequest>('CreateViewVersionRequest', raw);
  const ref = viewRefOf(input, context);
  const { store, deployment } = context;

  return retryOnConflict(async () => {
    const read = await store.readAlias(ref.instanceId, ref.viewId, 'LATEST');
    if (!read) throw viewNotFound(ref);
    const { head } = read;
    let decision: ReturnType<typeof decidePublish>;
    try {
      decision = decidePublish(head, input.ViewContentSha256, viewArn(deployment, ref.instanceId, ref.viewId));
    } catch (error) {
      if ((error as { errorType?: string }).errorType === 'ResourceInUseException') context.observe('StaleShaRejections');
      throw error;
    }

    if (decision.kind === 'unchanged') {
      const highest = decision.version;
      if (highest.content.id === head.latest!.id) return { View: versionView(deployment, head, highest, read.content!) };
      // Equal by sha but not byte for byte (re-published with other whitespace): answer with the version's own text.
      const stored = await store.readVersion(ref.instanceId, ref.viewId, highest.version);
      if (!stored.version) throw new ConcurrentModification('the highest version was deleted meanwhile');
      return { View: versionView(deployment, head, stored.version, stored.content!) };
    }

    const publishedTime = nextModifiedTime(head, context.now());
    const record: VersionRecord = {
      version: decision.version,
      ...(input.VersionDescription === undefined ? {} : { versionDescription: input.VersionDescription }),
      name: head.name,
      ...(head.description === undefined ? {} : { description: head.description }),
      type: head.type,
      content: decision.latest,
      publishedTime,
      viewCreatedTime: head.createdTime,
    };
    // LastModifiedTime is "the latest timestamp of the UpdateViewContent or CreateViewVersion operations".
    const next: ViewHead = {
      ...head,
      versionCounter: record.version,
      highest: record,
      lastModifiedTime: publishedTime,
      ...(head.versions === undefined ? {} : { versions: head.versions + 1 }),
    };
    const event = versionPublished(deployment, next, record, randomUUID(), publishedTime);
    await store.publishVersion(head, next, record, read.content!, event);
    context.observe('VersionsPublished');
    return { View: versionView(deployment, next, record, read.content!) };
  });
};
