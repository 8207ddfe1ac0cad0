import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { CHUNK_BYTES, COMPRESS_FROM_BYTES, MAX_CHUNKS, decodeContent, encodeContent } from '#store/content-codec.ts';

const content = (template: string) => ({
  template,
  actions: ['Go', 'Stop'],
  inputSchema: '{"type":"object","properties":{}}',
  sha256: 'f'.repeat(64),
});

describe('stored content encoding', () => {
  it('keeps small content as plain JSON and compresses the rest, decoding both', () => {
    const small = content('{"a":1}');
    const [plain] = encodeContent(small);
    assert.ok(plain!.length < COMPRESS_FROM_BYTES);
    assert.equal(Buffer.from(plain!).toString('utf8')[0], '{');
    assert.deepEqual(decodeContent([plain!], small.sha256), small);

    const large = content(JSON.stringify({ body: 'lorem ipsum '.repeat(500) }));
    const chunks = encodeContent(large);
    assert.deepEqual([...chunks[0]!.subarray(0, 2)], [0x1f, 0x8b], 'gzip');
    assert.ok(chunks[0]!.length < 1000, 'repetitive JSON shrinks');
    assert.deepEqual(decodeContent(chunks, large.sha256), large);
  });

  it('splits what does not fit one item into chunks that fit, and joins them back', () => {
    // Base64 of random bytes compresses only to its 6 bits a character: ~600 kB, two chunks.
    const noisy = content(randomBytes(600_000).toString('base64'));
    const chunks = encodeContent(noisy);
    assert.equal(chunks.length, 2);
    for (const chunk of chunks) assert.ok(chunk.length <= CHUNK_BYTES);
    assert.deepEqual(decodeContent(chunks, noisy.sha256), noisy);
  });

  it('refuses content that would need more than the chunks a transaction can carry', () => {
    const huge = content(randomBytes(MAX_CHUNKS * CHUNK_BYTES).toString('base64'));
    assert.throws(
      () => encodeContent(huge),
      (error: Error) => error.name === 'ContentTooLarge',
    );
  });

  it('keeps a template absent when it was absent', () => {
    const { template: _none, ...noTemplate } = content('');
    assert.deepEqual(decodeContent(encodeContent(noTemplate), noTemplate.sha256), noTemplate);
  });
});
