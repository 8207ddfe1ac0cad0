import { gunzipSync, gzipSync } from 'node:zlib';
import type { ViewContent } from '#domain/content.ts';
import { ContentTooLarge } from './errors.ts';

/**
 * Content is stored gzip-compressed and split into chunk items, because a DynamoDB item holds at
 * most 400 KB and 400 kB of template plus its generated input schema may not fit in one. Content
 * under 1 KiB is stored as plain JSON: it costs one write unit either way, and skipping zlib saves
 * a tenth of a millisecond on every write and read. The gzip magic number tells the two apart.
 */
export const CHUNK_BYTES = 350_000;
export const COMPRESS_FROM_BYTES = 1024;
/** Keeps every transaction well inside DynamoDB's 100-action and 4 MB limits. */
export const MAX_CHUNKS = 8;
export const MAX_STORED_BYTES = MAX_CHUNKS * CHUNK_BYTES;

interface StoredDocument {
  t?: string;
  a: string[];
  s: string;
}

/** `chunkBytes` is smaller only in tests that need content of many chunks without megabytes of it. */
export function encodeContent(content: ViewContent, chunkBytes = CHUNK_BYTES): Uint8Array[] {
  const document: StoredDocument = { a: content.actions, s: content.inputSchema };
  if (content.template !== undefined) document.t = content.template;
  const json = Buffer.from(JSON.stringify(document), 'utf8');
  const stored = json.length < COMPRESS_FROM_BYTES ? json : gzipSync(json);
  if (stored.length > MAX_STORED_BYTES) {
    throw new ContentTooLarge(stored.length, MAX_STORED_BYTES);
  }
  const chunks: Uint8Array[] = [];
  for (let offset = 0; offset < stored.length; offset += chunkBytes) chunks.push(stored.subarray(offset, offset + chunkBytes));
  return chunks;
}

function isGzip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x1f && bytes[1] === 0x8b;
}

export function decodeContent(chunks: Uint8Array[], sha256: string): ViewContent {
  const bytes = Buffer.concat(chunks);
  const document = JSON.parse((isGzip(bytes) ? gunzipSync(bytes) : bytes).toString('utf8')) as StoredDocument;
  return {
    ...(document.t === undefined ? {} : { template: document.t }),
    actions: document.a,
    inputSchema: document.s,
    sha256,
  };
}

/**
 * Encoding with a memory of what it encoded and decoded, per content object: a write retried after
 * a lost race encodes once, and CreateViewVersion copies `$LATEST`'s stored chunks into the version
 * byte for byte rather than encoding them again. Held weakly: content nobody holds is forgotten.
 */
export class ContentCodec {
  readonly #chunkBytes: number;
  readonly #chunks = new WeakMap<ViewContent, Uint8Array[]>();

  constructor(chunkBytes = CHUNK_BYTES) {
    this.#chunkBytes = chunkBytes;
  }

  encode(content: ViewContent): Uint8Array[] {
    let chunks = this.#chunks.get(content);
    if (!chunks) {
      chunks = encodeContent(content, this.#chunkBytes);
      this.#chunks.set(content, chunks);
    }
    return chunks;
  }

  decode(chunks: Uint8Array[], sha256: string): ViewContent {
    const content = decodeContent(chunks, sha256);
    this.#chunks.set(content, chunks);
    return content;
  }
}
