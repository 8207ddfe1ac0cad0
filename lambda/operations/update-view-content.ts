import { prepareContent, type ContentInput, type ViewStatus } from '#domain/content.ts';
import { validateInput } from '#domain/validation.ts';
import { newContentRef, nextModifiedTime, type ViewHead } from '#domain/view.ts';
import { retryOnConflict, viewNotFound, viewRefOf, type OperationHandler } from './context.ts';
import { aliasView } from './wire.ts';

interface UpdateViewContentRequest {
  InstanceId: string;
  ViewId: string;
  Status: ViewStatus;
  Content: ContentInput;
}

/** Always replaces `$SAVED`; replaces `$LATEST` too when Status is PUBLISHED. */
export const updateViewContent: OperationHandler = async (raw, context) => {
  const input = validateInput<UpdateViewContentRequest>('UpdateViewContentRequest', raw);
  const ref = viewRefOf(input, context);
  const content = prepareContent(input.Content, input.Status);
  const contentRef = newContentRef(content);

  return retryOnConflict(async () => {
    const before = await context.store.readHead(ref.instanceId, ref.viewId);
    if (!before) throw viewNotFound(ref);
    const after: ViewHead = {
      ...before,
      status: input.Status,
      saved: contentRef,
      ...(input.Status === 'PUBLISHED' ? { latest: contentRef } : {}),
      lastModifiedTime: nextModifiedTime(before, context.now()),
    };
    await context.store.saveContent(before, after, content);
    return { View: aliasView(context.deployment, after, 'SAVED', content) };
  });
};
