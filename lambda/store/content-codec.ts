import { gunzipSync, gzipSync } from 'node:zlib';
import type { ViewContent } from '#domain/content.ts';
import { InvalidRequestException } from '#domain/errors.ts';

/**
 * Content is stored gzip-compressed and split into chunk items, because a DynamoDB item holds at
 * most 400 KB and 400 kB of template plus its generated input schema may not fit in one.
 */
export const CHUNK_BYTES = 350_000;
/** Keeps every transaction well inside DynamoDB's 100-action and 4 MB limits. */
export const MAX_CHUNKS = 8;

interface StoredDocument {
  t?: string;
  a: string[];
  s: string;
}

export function encodeContent(content: ViewContent): Uint8Array[] {
  const document: StoredDocument = { a: content.actions, s: content.inputSchema };
  if (content.template !== undefined) document.t = content.template;
  const compressed = gzipSync(JSON.stringify(document));
  const chunks: Uint8Array[] = [];
  for (let offset = 0; offset < compressed.length; offset += CHUNK_BYTES) {
    chunks.push(compressed.subarray(offset, offset + CHUNK_BYTES));
  }
  if (chunks.length === 0) chunks.push(compressed);
  if (chunks.length > MAX_CHUNKS) {
    throw new InvalidRequestException(
      `Content cannot be stored: it takes ${compressed.length} bytes compressed, more than ${MAX_CHUNKS * CHUNK_BYTES}.`,
    );
  }
  return chunks;
}

export function decodeContent(chunks: Uint8Array[], sha256: string): ViewContent {
  const document = JSON.parse(gunzipSync(Buffer.concat(chunks)).toString('utf8')) as StoredDocument;
  return {
    ...(document.t === undefined ? {} : { template: document.t }),
    actions: document.a,
    inputSchema: document.s,
    sha256,
  };
}
