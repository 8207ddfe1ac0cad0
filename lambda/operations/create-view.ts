import { randomUUID } from 'node:crypto';
import canonicalize from 'canonicalize';
import { prepareContent, sha256Hex, type ContentInput, type ViewStatus } from '#domain/content.ts';
import { InvalidRequestException, ResourceNotFoundException } from '#domain/errors.ts';
import { validateInput } from '#domain/validation.ts';
import { newContentRef, type ViewHead } from '#domain/view.ts';
import { ClientTokenTaken } from '#store/errors.ts';
import { instanceIdOf, retryOnConflict, type OperationHandler, type ServiceContext } from './context.ts';
import { aliasView } from './wire.ts';

interface CreateViewRequest {
  InstanceId: string;
  ClientToken?: string;
  Status: ViewStatus;
  Content: ContentInput;
  Description?: string;
  Name: string;
  Tags?: Record<string, string>;
}

/** How long a ClientToken makes CreateView idempotent. */
export const CLIENT_TOKEN_TTL_SECONDS = 24 * 60 * 60;

/** Replaying a ClientToken returns the view it created, provided the request is the same one. */
async function replay(context: ServiceContext, instanceId: string, tokenHash: string, fingerprint: string) {
  const record = await context.store.readClientToken(instanceId, tokenHash);
  if (!record) return undefined;
  if (record.fingerprint !== fingerprint) {
    throw new InvalidRequestException('ClientToken was already used in this instance with a different request.');
  }
  const read = await context.store.readAlias(instanceId, record.viewId, 'SAVED');
  if (!read) {
    throw new ResourceNotFoundException(`The view created with this ClientToken (${record.viewId}) has since been deleted.`);
  }
  return { View: aliasView(context.deployment, read.head, 'SAVED', read.content!) };
}

export const createView: OperationHandler = async (raw, context) => {
  const input = validateInput<CreateViewRequest>('CreateViewRequest', raw);
  const instanceId = instanceIdOf(input, context);
  const content = prepareContent(input.Content, input.Status);

  const clientToken = input.ClientToken ? input.ClientToken : undefined;
  const tokenHash = clientToken ? sha256Hex(clientToken) : '';
  const fingerprint = sha256Hex(
    canonicalize({ Status: input.Status, Content: input.Content, Name: input.Name, Description: input.Description, Tags: input.Tags })!,
  );

  const now = context.now();
  const contentRef = newContentRef(content);
  const head: ViewHead = {
    instanceId,
    viewId: randomUUID(),
    name: input.Name,
    ...(input.Description === undefined ? {} : { description: input.Description }),
    type: 'CUSTOMER_MANAGED',
    status: input.Status,
    saved: contentRef,
    ...(input.Status === 'PUBLISHED' ? { latest: contentRef } : {}),
    versionCounter: 0,
    versions: 0,
    // Tag keys are the caller's (`__proto__` included): kept as data in a null-prototype object.
    tags: Object.assign(Object.create(null) as Record<string, string>, input.Tags),
    createdTime: now,
    lastModifiedTime: now,
  };
  const token = clientToken
    ? { tokenHash, viewId: head.viewId, fingerprint, expiresAt: Math.floor(now / 1000) + CLIENT_TOKEN_TTL_SECONDS }
    : undefined;

  try {
    // A transaction conflict with a concurrent CreateView is retried; the retry then meets its name
    // claim or ClientToken record and answers accordingly.
    await retryOnConflict(() => context.store.createView(head, content, token));
    return { View: aliasView(context.deployment, head, 'SAVED', content) };
  } catch (error) {
    if (!(error instanceof ClientTokenTaken)) throw error;
    const replayed = await replay(context, instanceId, tokenHash, fingerprint);
    // The record expired between the failed write and the read: nothing to replay, so the caller retries.
    if (!replayed) throw new InvalidRequestException('ClientToken was in use and has just expired; retry the request.');
    return replayed;
  }
};
