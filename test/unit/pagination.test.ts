import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PageTokens } from '#domain/pagination.ts';

const tokens = new PageTokens('a-secret-of-sufficient-length');

function refuses(run: () => unknown) {
  assert.throws(run, (error: { errorType?: string }) => error.errorType === 'InvalidParameterException');
}

describe('NextToken', () => {
  it('round-trips a position, matching the model pattern', () => {
    const token = tokens.issue('ListViews\ni\n', 'N#C#Name with spaces and ünïcode');
    assert.match(token, /^[a-zA-Z0-9=/+_.-]+$/);
    assert.equal(tokens.open('ListViews\ni\n', token), 'N#C#Name with spaces and ünïcode');
  });

  it('refuses a token for another listing (instance, view or filter)', () => {
    const token = tokens.issue('ListViews\ni\n', 'N#C#a');
    refuses(() => tokens.open('ListViews\nj\n', token));
    refuses(() => tokens.open('ListViews\ni\nCUSTOMER_MANAGED', token));
    refuses(() => tokens.open('ListViewVersions\ni\nv', token));
  });

  it('refuses tampered, truncated, forged and foreign tokens', () => {
    const token = tokens.issue('s', 'V#0000000005');
    const [position, mac] = token.split('.') as [string, string];
    const otherPosition = Buffer.from('V#0000000001').toString('base64url');
    refuses(() => tokens.open('s', `${otherPosition}.${mac}`));
    refuses(() => tokens.open('s', `${position}.${mac.slice(0, -2)}`));
    refuses(() => tokens.open('s', `${position}.${mac}.x`));
    refuses(() => tokens.open('s', position));
    refuses(() => tokens.open('s', new PageTokens('another-secret-entirely!').issue('s', 'V#0000000005')));
    refuses(() => tokens.open('s', `${position}A.${mac}`));
  });
});
