import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { strictRefusal } from '../../emulator/strict-publish.ts';

const bad = JSON.stringify({ Body: [{ Type: 'Button', Props: { Action: 'Escalate' } }] });
const good = JSON.stringify({ Body: [{ Type: 'Button', Props: { Action: 'Go' } }] });
const event = (httpMethod: string, path: string, body: unknown, isBase64Encoded = false) => {
  const text = JSON.stringify(body);
  return { httpMethod, path, isBase64Encoded, body: isBase64Encoded ? Buffer.from(text).toString('base64') : text };
};

describe('emulator strict publish', () => {
  it('refuses published content that fails an error rule of connect-views lint, on CreateView and UpdateViewContent', () => {
    const created = strictRefusal(event('PUT', '/views/inst', { Name: 'x', Status: 'PUBLISHED', Content: { Template: bad, Actions: [] } }));
    assert.match(created!, /^Strict publish \(connect-views lint\): rule undeclared-action at Content\/Template\/Body\/0\/Props\/Action: /);
    const updated = strictRefusal(event('POST', '/views/inst/view-1', { Status: 'PUBLISHED', Content: { Template: '[1]' } }, true));
    assert.match(updated!, /rule template-object/);
    const several = strictRefusal(
      event('POST', '/views/inst/view-1', { Status: 'PUBLISHED', Content: { Template: bad, Actions: ['a', 'a'] } }),
    );
    assert.match(several!, /\(and 1 more\)\.$/);
  });

  it('lets through drafts, clean content, warnings, other operations and bodies it cannot read (the handler answers those)', () => {
    assert.equal(strictRefusal(event('PUT', '/views/inst', { Status: 'SAVED', Content: { Template: bad, Actions: [] } })), undefined);
    assert.equal(
      strictRefusal(event('PUT', '/views/inst', { Status: 'PUBLISHED', Content: { Template: good, Actions: ['Go', 'Unused'] } })),
      undefined,
    );
    assert.equal(
      strictRefusal(event('POST', '/views/inst/view-1/metadata', { Status: 'PUBLISHED', Content: { Template: bad } })),
      undefined,
    );
    assert.equal(strictRefusal({ httpMethod: 'PUT', path: '/views/inst', isBase64Encoded: false, body: '{not json' }), undefined);
    assert.equal(strictRefusal(event('PUT', '/views/inst', { Status: 'PUBLISHED', Content: { Actions: [] } })), undefined);
  });
});
