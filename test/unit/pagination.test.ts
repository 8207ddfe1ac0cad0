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

describe('NextToken across a key rotation', () => {
  const before = new PageTokens('the-key-before-the-rotation');
  const after = new PageTokens('the-key-after-the-rotation!', 'the-key-before-the-rotation');

  it('accepts a token signed with the previous key, and issues with the current one', () => {
    const inFlight = before.issue('ListViews\ni\n', 'N#C#b');
    assert.equal(after.open('ListViews\ni\n', inFlight), 'N#C#b');
    const fresh = after.issue('ListViews\ni\n', 'N#C#c');
    refuses(() => before.open('ListViews\ni\n', fresh));
    assert.equal(new PageTokens('the-key-after-the-rotation!').open('ListViews\ni\n', fresh), 'N#C#c');
  });

  it('still binds a previous-key token to its listing, and forgets a key two rotations old', () => {
    const inFlight = before.issue('ListViews\ni\n', 'N#C#b');
    refuses(() => after.open('ListViews\nj\n', inFlight));
    refuses(() => new PageTokens('a-third-key-entirely-new', 'the-key-after-the-rotation!').open('ListViews\ni\n', inFlight));
  });

  it('refuses keys too short to be secrets, the previous one included', () => {
    assert.throws(() => new PageTokens('short'), /at least 16/);
    assert.throws(() => new PageTokens('long-enough-current-key', 'short'), /at least 16/);
  });
});
