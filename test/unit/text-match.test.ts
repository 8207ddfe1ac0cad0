import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { containsMatcher } from '#domain/text-match.ts';

describe('substring search in linear time', () => {
  it('finds exactly what includes finds, overlapping prefixes and all', () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'é', '🙂'), maxLength: 40 });
    fc.assert(
      fc.property(text, text, (haystack, needle) => containsMatcher(needle)(haystack) === haystack.includes(needle)),
      { numRuns: 5000 },
    );
  });

  it('answers the patterns that make a backtracking search quadratic', (t) => {
    const haystack = 'a'.repeat(4096);
    for (const needle of [`${'a'.repeat(1000)}b${'a'.repeat(1000)}`, `${'a'.repeat(4095)}b`, 'a'.repeat(4096), `b${'a'.repeat(2000)}`]) {
      const started = performance.now();
      assert.equal(containsMatcher(needle)(haystack), haystack.includes(needle));
      t.diagnostic(`${needle.length}-character pattern over 4,096 characters: ${(performance.now() - started).toFixed(2)} ms`);
    }
    assert.equal(containsMatcher('')('anything'), true);
  });
});
