import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { MUTANTS, occurrences } from '../mutants/mutants.ts';
import { OPERATORS, sites, staleOperators } from '../mutants/operators.ts';

describe('the mutation run (npm run mutants)', () => {
  it('every mutant still applies: each slip it describes exists exactly once in the source', () => {
    const stale = MUTANTS.filter((mutant) => occurrences(mutant) !== 1).map(
      (mutant) => `${mutant.name} (${occurrences(mutant)} in ${mutant.file})`,
    );
    assert.deepEqual(stale, []);
    assert.equal(new Set(MUTANTS.map((m) => m.name)).size, MUTANTS.length, 'names are unique');
  });

  it('every operator finds its slip in each file it names, and names test files that exist', () => {
    assert.deepEqual(staleOperators(), []);
    for (const operator of OPERATORS) {
      for (const tests of Object.values(operator.files)) for (const test of tests) assert.ok(existsSync(test), `${operator.name}: ${test}`);
    }
  });

  it('an operator makes one mutant per place, each changing the code there', () => {
    const made = sites();
    assert.equal(new Set(made.map((site) => site.name)).size, made.length, 'one mutant per place');
    for (const site of made) assert.notEqual(site.replacement, site.original, site.name);
    const time = made.filter((site) => site.name.startsWith('epoch-seconds-in-milliseconds@lambda/store/write-plan.ts'));
    assert.ok(time.length >= 3, 'every expiry the write plans build is a mutant of its own');
  });
});
