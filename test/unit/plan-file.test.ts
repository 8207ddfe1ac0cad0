import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parsePlanFile, PlanFileError } from '../../cli/plan-file.ts';

const desired = { name: 'x', template: { Body: [] } };
const update = { name: 'x', action: 'update', changes: ['content'], viewId: 'v1', arn: 'arn:v1', desired };
const plan = (entries: unknown[], extra: Record<string, unknown> = {}) =>
  JSON.stringify({ format: 'connect-views-plan/1', instanceId: 'i-1', entries, summary: { create: 99 }, ...extra });
const parse = (text: string) => parsePlanFile(text, 'plan.json', 'i-1');

describe('a saved plan file', () => {
  it('is taken with its view files as parsed (defaults filled in) and its summary counted from its entries', () => {
    const parsed = parse(plan([update, { name: 'y', action: 'extra', changes: [], viewId: 'v2' }], { prune: true }));
    assert.deepEqual(parsed.entries[0]!.desired!.tags, {}, 'a file without tags has none, as apply expects');
    assert.deepEqual(parsed.summary, { create: 0, update: 1, unchanged: 0, extra: 1, skip: 0 });
    assert.equal(parsed.prune, true);
  });

  it('is refused whole, in one line naming the place, where apply would fail half-way or write the wrong thing', () => {
    const refused: [string, string, RegExp][] = [
      [
        'update without its ARN (tags need it after content is written)',
        plan([{ ...update, arn: undefined }]),
        /entries\[0\]\.arn must be a string/,
      ],
      [
        'tags changed with no tags',
        plan([{ ...update, changes: ['tags'] }]),
        /entries\[0\]\.tags must be given exactly when "changes" holds "tags"/,
      ],
      ['tags without the change', plan([{ ...update, tags: { set: {}, remove: [] } }]), /exactly when/],
      [
        'the same view twice',
        plan([update, { ...update, name: 'y', desired: { ...desired, name: 'y' } }]),
        /entries\[1\] is for the same view as entries\[0\]/,
      ],
      ['the same name twice', plan([update, { ...update, viewId: 'v9' }]), /entries\[1\] is for the same name as entries\[0\]/],
      ['prune not a boolean', plan([], { prune: 'yes' }), /"prune" must be true or false/],
      ['not a plan', JSON.stringify({ format: 'x' }), /plan\.json is not a plan written by plan --json/],
    ];
    for (const [what, text, message] of refused) {
      assert.throws(
        () => parse(text),
        (error: Error) => error instanceof PlanFileError && message.test(error.message),
        what,
      );
    }
  });
});
