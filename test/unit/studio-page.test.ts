import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

/**
 * The page puts every text from Connect (names, descriptions, templates) in as text: with the
 * Content-Security-Policy's `script-src 'self'`, a view can then carry no markup or script into the
 * studio. These hold the page's source to that; the browser test shows it on a hostile template.
 */
const assets = new URL('../../cli/studio/assets/', import.meta.url);
const script = readFileSync(new URL('app.js', assets), 'utf8');
const html = readFileSync(new URL('index.html', assets), 'utf8');

describe('studio page source', () => {
  it('never turns a string into markup or code', () => {
    for (const sink of [
      /\.innerHTML\b/,
      /\.outerHTML\b/,
      /insertAdjacentHTML/,
      /document\.write/,
      /\beval\s*\(/,
      /new Function\b/,
      /setTimeout\(\s*['"`]/,
    ]) {
      assert.doesNotMatch(script, sink, `app.js uses ${sink}`);
    }
  });

  it('has no inline script, no inline handler and no inline style, which the policy would refuse', () => {
    assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, 'an inline <script>');
    assert.doesNotMatch(html, /\son[a-z]+=/i, 'an inline event handler');
    assert.doesNotMatch(html, /<style|\sstyle=/i, 'inline style');
    assert.doesNotMatch(html, /token/i, 'the page holds no token: it comes from the address');
    assert.doesNotMatch(script, /\.setAttribute\(\s*['"]style/, 'app.js sets inline style');
  });

  it("sends the token in its header on every API request, keeps it in its origin's storage, and sends no cookie", () => {
    assert.match(script, /'x-studio-token': as/);
    assert.match(script, /\{ method = 'GET', body, signal, as = token \}/, 'the kept token unless a new one is being checked');
    assert.match(script, /credentials: 'omit'/);
    assert.match(script, /localStorage\.setItem\(TOKEN_KEY, given\)/);
    assert.doesNotMatch(script, /document\.cookie/);
  });
});
