import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jsonPointer, renderDiff, structuralDiff } from '../../cli/structural-diff.ts';

const base = {
  name: 'Card',
  description: 'A card',
  actions: ['Next'],
  template: { Head: { Title: '$.Title' }, Body: [{ Type: 'Button', Props: { Action: 'Next', Label: 'Go' } }] },
  tags: { team: 'a' },
};

describe('structuralDiff', () => {
  it('is empty for equal views, whatever their key order', () => {
    const reordered = {
      tags: { team: 'a' },
      template: { Body: [{ Props: { Label: 'Go', Action: 'Next' }, Type: 'Button' }], Head: { Title: '$.Title' } },
      actions: ['Next'],
      description: 'A card',
      name: 'Card',
    };
    assert.deepEqual(structuralDiff(base, reordered), []);
  });

  it('names each added, removed and changed component, prop, action and tag by JSON pointer, sorted', () => {
    const after = structuredClone(base);
    after.template.Body[0]!.Props.Label = 'Continue';
    (after.template.Body as unknown[]).push({ Type: 'Text', Props: { Text: 'Hi' } });
    delete (after.template.Head as Partial<typeof after.template.Head>).Title;
    after.actions.push('Skip');
    after.tags = { team: 'b' };
    after.description = 'Changed';
    assert.deepEqual(structuralDiff(base, after), [
      { kind: 'added', path: '/actions/1', after: 'Skip' },
      { kind: 'changed', path: '/description', before: 'A card', after: 'Changed' },
      { kind: 'changed', path: '/tags/team', before: 'a', after: 'b' },
      { kind: 'changed', path: '/template/Body/0/Props/Label', before: 'Go', after: 'Continue' },
      { kind: 'added', path: '/template/Body/1', after: { Type: 'Text', Props: { Text: 'Hi' } } },
      { kind: 'removed', path: '/template/Head/Title', before: '$.Title' },
    ]);
  });

  it('escapes ~ and / in keys (RFC 6901) and compares InputSchema only when both sides have one', () => {
    assert.equal(jsonPointer(['template', 'a/b', 'c~d', 0]), '/template/a~1b/c~0d/0');
    assert.deepEqual(structuralDiff({ ...base, inputSchema: { type: 'object' } }, base), []);
    assert.deepEqual(structuralDiff({ ...base, inputSchema: { a: 1 } }, { ...base, inputSchema: { a: 2 } }), [
      { kind: 'changed', path: '/inputSchema/a', before: 1, after: 2 },
    ]);
  });

  it('renders one line per entry, coloured only when asked', () => {
    const entries = structuralDiff(base, { ...base, actions: [], description: 'New' });
    const plain = renderDiff(entries, { indent: '  ' });
    assert.equal(plain, '  - /actions/0: "Next"\n  ~ /description: "A card" → "New"');
    const coloured = renderDiff(entries, { color: true });
    const ESC = String.fromCharCode(27);
    assert.ok(coloured.includes(`${ESC}[31m`) && coloured.includes(`${ESC}[33m`));
    assert.equal(coloured.replaceAll(new RegExp(`${ESC}\\[[0-9;]*m`, 'g'), ''), renderDiff(entries));
  });
});
