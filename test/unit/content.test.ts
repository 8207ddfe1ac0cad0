import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { MAX_CONTENT_BYTES, MAX_TEMPLATE_DEPTH, generateInputSchema, prepareContent } from '#domain/content.ts';

function errorOf(run: () => unknown): { errorType: string; message: string } {
  try {
    run();
  } catch (error) {
    return error as { errorType: string; message: string };
  }
  assert.fail('expected an error');
}

describe('ViewContentSha256', () => {
  it('is lower-case hex SHA-256, equal for equal content whatever the whitespace and key order', () => {
    const a = prepareContent({ Template: '{"b":1,"a":[1,2,{"y":true,"x":null}]}', Actions: ['Go'] }, 'PUBLISHED');
    const b = prepareContent({ Template: '{ "a" : [1, 2, {"x": null, "y": true}],\n  "b": 1.0 }', Actions: ['Go'] }, 'PUBLISHED');
    assert.match(a.sha256, /^[0-9a-f]{64}$/);
    assert.equal(a.sha256, b.sha256);
  });

  it('changes with the template, the actions and their order', () => {
    const base = prepareContent({ Template: '{"a":1}', Actions: ['A', 'B'] }, 'PUBLISHED').sha256;
    assert.notEqual(prepareContent({ Template: '{"a":2}', Actions: ['A', 'B'] }, 'PUBLISHED').sha256, base);
    assert.notEqual(prepareContent({ Template: '{"a":1}', Actions: ['B', 'A'] }, 'PUBLISHED').sha256, base);
    assert.notEqual(prepareContent({ Template: '{"a":1}', Actions: ['A'] }, 'PUBLISHED').sha256, base);
  });

  it('is the SHA-256 of the RFC 8785 text of {"Actions","Template"}', () => {
    const content = prepareContent({ Template: '{ "b": 1e2, "a" : "$.x" }', Actions: ['Submit'] }, 'PUBLISHED');
    const canonical = '{"Actions":["Submit"],"Template":{"a":"$.x","b":100}}';
    assert.equal(content.sha256, createHash('sha256').update(canonical).digest('hex'));
  });

  it('keeps a saved non-JSON template apart from any JSON one', () => {
    const text = prepareContent({ Template: 'not json', Actions: [] }, 'SAVED');
    const json = prepareContent({ Template: '"not json"', Actions: [] }, 'SAVED');
    assert.notEqual(text.sha256, json.sha256);
  });
});

describe('InputSchema generation', () => {
  it('is an empty object schema when the template references nothing', () => {
    assert.equal(generateInputSchema({ Title: 'Hello' }), '{"type":"object","properties":{}}');
    assert.equal(prepareContent({ Template: 'not json' }, 'SAVED').inputSchema, '{"type":"object","properties":{}}');
  });

  it('turns $.A paths into properties and $.A.B paths into nested objects, sorted', () => {
    const schema = JSON.parse(
      generateInputSchema({ z: '$.Title', list: ['$.Customer.Name', { deep: '$.Customer.Address.City' }], also: '$.Customer' }),
    );
    assert.deepEqual(schema, {
      type: 'object',
      properties: {
        Customer: {
          type: 'object',
          properties: { Address: { type: 'object', properties: { City: {} } }, Name: {} },
        },
        Title: {},
      },
    });
    assert.deepEqual(Object.keys(schema.properties), ['Customer', 'Title']);
  });

  it('input names that are object properties elsewhere are properties like any other', () => {
    assert.equal(
      generateInputSchema({ a: '$.__proto__', b: '$.x', c: '$.constructor.toString' }),
      '{"type":"object","properties":{"__proto__":{},"constructor":{"type":"object","properties":{"toString":{}}},"x":{}}}',
    );
  });

  it('ignores strings that only look like paths', () => {
    assert.equal(generateInputSchema({ a: 'price: $.5', b: '$.', c: '$..x', d: 'x$.y', e: '$.a b' }), '{"type":"object","properties":{}}');
  });
});

describe('content rules', () => {
  it('SAVED accepts what PUBLISHED refuses: non-JSON, non-object, duplicate actions, no template', () => {
    for (const content of [{ Template: '{oops' }, { Template: '[1,2]' }, { Template: '{}', Actions: ['A', 'A'] }, { Actions: ['A'] }]) {
      assert.doesNotThrow(() => prepareContent(content, 'SAVED'));
      assert.equal(errorOf(() => prepareContent(content, 'PUBLISHED')).errorType, 'InvalidRequestException');
    }
  });

  it('accepts 400 KiB of template and refuses a byte more, naming the limit', () => {
    const filler = (n: number) => JSON.stringify({ t: 'x'.repeat(n - 8) });
    assert.equal(Buffer.byteLength(filler(MAX_CONTENT_BYTES)), MAX_CONTENT_BYTES);
    assert.doesNotThrow(() => prepareContent({ Template: filler(MAX_CONTENT_BYTES) }, 'PUBLISHED'));
    const error = errorOf(() => prepareContent({ Template: filler(MAX_CONTENT_BYTES + 1) }, 'PUBLISHED'));
    assert.equal(error.errorType, 'InvalidParameterException');
    assert.match(error.message, /409600 bytes/);
  });

  it('counts every action’s bytes together with the template’s', () => {
    const template = JSON.stringify({ t: 'x'.repeat(MAX_CONTENT_BYTES - 8 - 10) });
    assert.doesNotThrow(() => prepareContent({ Template: template, Actions: ['Approve', 'Yes'] }, 'PUBLISHED'), '10 bytes of actions fit');
    const error = errorOf(() => prepareContent({ Template: template, Actions: ['Approve', 'Yes', 'X'] }, 'PUBLISHED'));
    assert.equal(error.errorType, 'InvalidParameterException', 'the eleventh byte, in the last action, does not');
    assert.match(error.message, /they are 409601 bytes/);
  });

  it('gives up on an input schema as soon as it is sure to outgrow the bound, and never sooner', () => {
    // A hundred paths at the top, then each made an object: the schema grows with every one of them.
    const references: Record<string, string> = {};
    for (let i = 0; i < 100; i++) references[`flat${i}`] = `$.a${String(i).padStart(2, '0')}`;
    for (let i = 0; i < 100; i++) references[`nested${i}`] = `$.a${String(i).padStart(2, '0')}.b`;
    const full = generateInputSchema(references);
    assert.ok(full.length > 4000, `the whole schema is ${full.length} bytes`);
    assert.equal(generateInputSchema(references, full.length), full, 'a bound the schema meets exactly is met');
    for (const bound of [200, 1200, 2500]) assert.equal(generateInputSchema(references, bound), undefined, `bound ${bound}`);
  });

  it('refuses templates nested deeper than the limit instead of overflowing the stack', () => {
    const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);
    assert.doesNotThrow(() => prepareContent({ Template: `{"a":${deep(MAX_TEMPLATE_DEPTH - 1)}}` }, 'PUBLISHED'));
    const error = errorOf(() => prepareContent({ Template: `{"a":${deep(100_000)}}` }, 'SAVED'));
    assert.equal(error.errorType, 'InvalidRequestException');
  });

  it('refuses JSON that has no canonical form (lone surrogate escapes, out-of-range numbers)', () => {
    assert.equal(errorOf(() => prepareContent({ Template: '{"a":"\\ud800"}' }, 'PUBLISHED')).errorType, 'InvalidRequestException');
    assert.equal(errorOf(() => prepareContent({ Template: '{"a":1e400}' }, 'PUBLISHED')).errorType, 'InvalidRequestException');
  });
});
