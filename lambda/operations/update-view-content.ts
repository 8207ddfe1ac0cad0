import { randomUUID } from 'node:crypto';
import { prepareContent, type ContentInput, type ViewStatus } from '#domain/content.ts';
import { validateInput } from '#domain/validation.ts';
import { aliasView } from '#domain/view.ts';
import { encodeContent } from '#store/content-codec.ts';
import { retryOnConflict, viewNotFound, viewRefOf, type OperationHandler } from './context.ts';

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
  const chunks = encodeContent(content);
  const contentRef = { id: randomUUID(), sha256: content.sha256, chunks: chunks.length };

  return retryOnConflict(async () => {
    const before = await context.store.readHead(ref.instanceId, ref.viewId);
    if (!before) throw viewNotFound(ref);
    const after = await context.store.saveContent(
      before,
      {
        ...before,
        status: input.Status,
        saved: contentRef,
        ...(input.Status === 'PUBLISHED' ? { latest: contentRef } : {}),
        lastModifiedTime: context.now(),
      },
      new Map([[contentRef.id, chunks]]),
    );
    return { View: aliasView(context.deployment, after, 'SAVED', content) };
  });
};
