import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import model from '../../lambda/model/connect-views-model.json' with { type: 'json' };

import { API_REFERENCE_CONSTRAINTS } from '../support/api-reference.ts';

/** A limit lost from (or changed in) the model file fails here; a new constrained shape must be added to the table. */
type Shape = { min?: number; max?: number; pattern?: string };

describe('the model’s constraints are the API reference’s', () => {
  const constrained = Object.entries(model.shapes as Record<string, Shape>).filter(
    ([, s]) => s.min !== undefined || s.max !== undefined || s.pattern !== undefined,
  );

  it('every constrained shape of the model is known, with the documented bounds', () => {
    assert.deepEqual(constrained.map(([name]) => name).sort(), Object.keys(API_REFERENCE_CONSTRAINTS).sort());
    for (const [name, s] of constrained) {
      const expected = API_REFERENCE_CONSTRAINTS[name]!;
      assert.deepEqual(
        { min: s.min, max: s.max, pattern: s.pattern !== undefined },
        { min: expected.min, max: expected.max, pattern: expected.pattern ?? false },
        name,
      );
    }
  });
});
