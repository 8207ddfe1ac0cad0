import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MUTANTS, occurrences } from '../mutants/mutants.ts';

describe('the mutation run (npm run mutants)', () => {
  it('every mutant still applies: each slip it describes exists exactly once in the source', () => {
    const stale = MUTANTS.filter((mutant) => occurrences(mutant) !== 1).map(
      (mutant) => `${mutant.name} (${occurrences(mutant)} in ${mutant.file})`,
    );
    assert.deepEqual(stale, []);
    assert.equal(new Set(MUTANTS.map((m) => m.name)).size, MUTANTS.length, 'names are unique');
  });
});
