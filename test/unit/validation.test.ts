import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateInput } from '#domain/validation.ts';

function rejects(shapeName: string, input: Record<string, unknown>, message: RegExp) {
  assert.throws(
    () => validateInput(shapeName, input),
    (error: Error & { errorType?: string }) => {
      assert.equal(error.errorType, 'InvalidParameterException');
      assert.match(error.message, message);
      return true;
    },
  );
}

const validCreate = { InstanceId: 'inst-1', Name: 'My view', Status: 'SAVED', Content: { Template: '{}', Actions: ['Submit'] } };

describe('request validation against the model', () => {
  it('accepts a valid CreateView request', () => {
    assert.doesNotThrow(() => validateInput('CreateViewRequest', validCreate));
  });

  it('names a missing required member', () => {
    rejects('CreateViewRequest', { ...validCreate, Name: undefined }, /Name: is required/);
    rejects('CreateViewRequest', { ...validCreate, Content: null }, /Content: is required/);
  });

  it('checks enums, types and nested members', () => {
    rejects('CreateViewRequest', { ...validCreate, Status: 'DRAFT' }, /Status: must be one of PUBLISHED, SAVED/);
    rejects('CreateViewRequest', { ...validCreate, Content: { Template: 42 } }, /Content\.Template: must be a string/);
    rejects('CreateViewRequest', { ...validCreate, Content: { Actions: 'Submit' } }, /Content\.Actions: must be a list/);
    rejects('CreateViewRequest', { ...validCreate, Content: { Actions: ['ok', ''] } }, /Content\.Actions\[1\]: must have at least 1 characters/);
    rejects('CreateViewRequest', { ...validCreate, Content: [] }, /Content: must be a JSON object/);
  });

  it('counts length in code points, not UTF-16 units', () => {
    const astral = '𠀀'.repeat(255); // U+20000, a letter: 510 UTF-16 units, 255 code points
    assert.doesNotThrow(() => validateInput('CreateViewRequest', { ...validCreate, Name: astral }));
    rejects('CreateViewRequest', { ...validCreate, Name: astral + 'x' }, /Name: must have at most 255 characters/);
  });

  it('applies the Unicode patterns (\\p{L}) and never echoes sensitive values', () => {
    assert.doesNotThrow(() => validateInput('CreateViewRequest', { ...validCreate, Name: 'Überprüfung 日本語 (v2)' }));
    rejects('CreateViewRequest', { ...validCreate, Name: ' leading space' }, /Name: contains characters that are not allowed/);
    rejects('CreateViewRequest', { ...validCreate, Name: 'semi;colon' }, /^(?!.*semi;colon)/);
  });

  it('compiles the InstanceId and ViewId patterns without the u flag', () => {
    assert.doesNotThrow(() => validateInput('DescribeViewRequest', { InstanceId: 'a_b-c:d/e', ViewId: 'id:$LATEST' }));
    rejects('DescribeViewRequest', { InstanceId: 'a b', ViewId: 'x' }, /InstanceId: must match the pattern/);
    rejects('DescribeViewRequest', { InstanceId: '', ViewId: 'x' }, /InstanceId: must have at least 1 characters/);
    rejects('DescribeViewRequest', { InstanceId: 'i', ViewId: 'x'.repeat(501) }, /ViewId: must have at most 500 characters/);
  });

  it('accepts a real ViewContentSha256 despite the model pattern bug, and refuses non-alphanumerics', () => {
    const sha = 'a'.repeat(64);
    assert.doesNotThrow(() => validateInput('CreateViewVersionRequest', { InstanceId: 'i', ViewId: 'v', ViewContentSha256: sha }));
    rejects('CreateViewVersionRequest', { InstanceId: 'i', ViewId: 'v', ViewContentSha256: 'a'.repeat(65) }, /at most 64/);
    rejects('CreateViewVersionRequest', { InstanceId: 'i', ViewId: 'v', ViewContentSha256: 'abc-def' }, /ViewContentSha256: must match/);
  });

  it('checks integer ranges and types', () => {
    rejects('ListViewsRequest', { InstanceId: 'i', MaxResults: 0 }, /MaxResults: must be at least 1/);
    rejects('ListViewsRequest', { InstanceId: 'i', MaxResults: 101 }, /MaxResults: must be at most 100/);
    rejects('ListViewsRequest', { InstanceId: 'i', MaxResults: 1.5 }, /MaxResults: must be an integer/);
    rejects('ListViewsRequest', { InstanceId: 'i', MaxResults: 'ten' }, /MaxResults: must be a number/);
  });

  it('checks tag maps: entry count, key pattern (no aws: prefix), value length', () => {
    rejects('TagResourceRequest', { resourceArn: 'arn', tags: {} }, /tags: must have at least 1 entries/);
    const many = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v']));
    rejects('TagResourceRequest', { resourceArn: 'arn', tags: many }, /tags: must have at most 50 entries/);
    rejects('TagResourceRequest', { resourceArn: 'arn', tags: { 'aws:owner': 'x' } }, /tags key: must match/);
    rejects('TagResourceRequest', { resourceArn: 'arn', tags: { k: 'v'.repeat(257) } }, /tags\.k: must have at most 256/);
    rejects('TagResourceRequest', { resourceArn: 'arn', tags: { k: 7 } }, /tags\.k: must be a string/);
  });

  it('refuses strings that are not well-formed Unicode', () => {
    rejects('CreateViewRequest', { ...validCreate, Content: { Template: '{"a":"\ud800"}' } }, /Content\.Template: must be well-formed Unicode/);
  });
});
