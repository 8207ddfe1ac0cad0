import { InvalidParameterException } from '#domain/errors.ts';
import { parseViewArn } from '#domain/identifiers.ts';
import { shape } from '#domain/model.ts';
import { validateInput } from '#domain/validation.ts';
import { retryOnConflict, viewNotFound, type OperationHandler, type ServiceContext } from './context.ts';

interface TagResourceRequest {
  resourceArn: string;
  tags: Record<string, string>;
}

interface UntagResourceRequest {
  resourceArn: string;
  tagKeys: string[];
}

const MAX_TAGS = shape('TagMap').max ?? 50;

/** Tags belong to the view (not to a version); changes are compare-and-swap on the head like any other. */
async function changeTags(resourceArn: string, context: ServiceContext, change: (tags: Record<string, string>) => Record<string, string>) {
  const ref = parseViewArn(resourceArn, context.deployment);
  await retryOnConflict(async () => {
    const before = await context.store.readHead(ref.instanceId, ref.viewId);
    if (!before) throw viewNotFound(ref);
    const tags = change(Object.assign(Object.create(null) as Record<string, string>, before.tags));
    if (Object.keys(tags).length > MAX_TAGS) {
      throw new InvalidParameterException(`Invalid parameter tags: a view can have at most ${MAX_TAGS} tags.`);
    }
    await context.store.saveTags(before, { ...before, tags });
  });
  return {};
}

export const tagResource: OperationHandler = async (raw, context) => {
  const input = validateInput<TagResourceRequest>('TagResourceRequest', raw);
  // Tag keys are the caller's: copied as data (Object.assign on a null-prototype object), never as properties.
  return changeTags(input.resourceArn, context, (tags) => Object.assign(tags, input.tags));
};

export const untagResource: OperationHandler = async (raw, context) => {
  const input = validateInput<UntagResourceRequest>('UntagResourceRequest', raw);
  return changeTags(input.resourceArn, context, (tags) => {
    for (const tagKey of input.tagKeys) delete tags[tagKey];
    return tags;
  });
};

export const listTagsForResource: OperationHandler = async (raw, context) => {
  const input = validateInput<{ resourceArn: string }>('ListTagsForResourceRequest', raw);
  const ref = parseViewArn(input.resourceArn, context.deployment);
  const head = await context.store.readHead(ref.instanceId, ref.viewId);
  if (!head) throw viewNotFound(ref);
  return { tags: head.tags };
};
