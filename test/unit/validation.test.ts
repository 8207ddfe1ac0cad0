import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { linearPattern, validateInput } from '#domain/validation.ts';
import model from '../../lambda/model/connect-views-model.json' with { type: 'json' };

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
    rejects(
      'CreateViewRequest',
      { ...validCreate, Content: { Actions: ['ok', ''] } },
      /Content\.Actions\[1\]: must have at least 1 characters/,
    );
    rejects('CreateViewRequest', { ...validCreate, Content: [] }, /Content: must be a JSON object/);
  });

  it('counts length in code points, not UTF-16 units', () => {
    const astral = '𠀀'.repeat(255); // U+20000, a letter: 510 UTF-16 units, 255 code points
    assert.doesNotThrow(() => validateInput('CreateViewRequest', { ...validCreate, Name: astral }));
    rejects('CreateViewRequest', { ...validCreate, Name: `${astral}x` }, /Name: must have at most 255 characters/);
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
    rejects(
      'CreateViewRequest',
      { ...validCreate, Content: { Template: '{"a":"\ud800"}' } },
      /Content\.Template: must be well-formed Unicode/,
    );
  });
});

describe('validation patterns run in linear time', () => {
  const quadratic = /^\^\(\[[^\]]+\]\+\[[^\]]+\]\*\)\$$/u;
  const patterns = Object.entries(model.shapes as Record<string, { pattern?: string }>).flatMap(([name, s]) =>
    s.pattern ? [[name, s.pattern] as const] : [],
  );

  it('rewrites every model pattern of the backtracking form ^([A]+[B]*)$ and no other', () => {
    const rewritten = patterns.filter(([, source]) => linearPattern(source) !== source).map(([name]) => name);
    assert.deepEqual(
      rewritten.sort(),
      patterns
        .filter(([, source]) => quadratic.test(source))
        .map(([name]) => name)
        .sort(),
    );
    assert.deepEqual(rewritten.sort(), ['ViewAction', 'ViewDescription', 'ViewName']);
    assert.equal(linearPattern('^([a-c]+[a-z]*)$'), '^([a-c]+[a-z]*)$', 'ranges are left alone: item by item is not set by set');
  });

  it('accepts and refuses exactly what the model pattern does', () => {
    const alphabet = fc.constantFrom(...'aZ9_.:/=+-@,()\' \u00a0\u2028é漢🙂!"#\\\t\n'.split(/(?:)/u));
    for (const [, source] of patterns.filter(([, s]) => linearPattern(s) !== s)) {
      const model = new RegExp(source, 'u');
      const linear = new RegExp(linearPattern(source), 'u');
      fc.assert(
        fc.property(
          fc.array(alphabet, { maxLength: 12 }).map((chars) => chars.join('')),
          (text) => model.test(text) === linear.test(text),
        ),
        { numRuns: 3000, examples: [[''], [' '], ['a '], [' a'], ['a'], ['(x)'], [',a'], ['a,']] },
      );
    }
  });

  it('validates a 4,096-character Description that fails at its end without backtracking', (t) => {
    const description = `${'a'.repeat(4095)}!`;
    const started = performance.now();
    rejects('CreateViewRequest', { ...validCreate, Description: description }, /Description/);
    t.diagnostic(`4,096-character Description refused in ${(performance.now() - started).toFixed(2)} ms`);
  });
});
