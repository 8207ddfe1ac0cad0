import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parseViewFile, readViewDir, serializeViewFile, viewFileFromSnapshots, viewFileNames, writeViewDir } from '../../cli/view-files.ts';
import type { ViewSnapshot } from '../../cli/view-content.ts';

const work = mkdtempSync(join(tmpdir(), 'cli-view-files-'));
after(() => rmSync(work, { recursive: true, force: true }));

function snapshot(overrides: Partial<ViewSnapshot> = {}): ViewSnapshot {
  return {
    id: 'v1',
    arn: 'arn:aws:connect:us-east-1:000000000000:instance/i/view/v1',
    name: 'Card',
    description: 'A card',
    sha: 'a'.repeat(64),
    content: { template: { Head: { Title: '$.Title' }, Body: [] }, actions: ['Next'] },
    tags: { zeta: '1', alpha: '2' },
    ...overrides,
  };
}

describe('view files', () => {
  it('serialize deterministically: fixed member order, sorted tags, template as an object, 2-space JSON, trailing newline', () => {
    const file = viewFileFromSnapshots(snapshot(), snapshot({ status: 'PUBLISHED' }));
    const text = serializeViewFile(file);
    assert.equal(
      text,
      `${JSON.stringify(
        {
          name: 'Card',
          description: 'A card',
          actions: ['Next'],
          template: { Head: { Title: '$.Title' }, Body: [] },
          tags: { alpha: '2', zeta: '1' },
        },
        null,
        2,
      )}\n`,
    );
    assert.equal(serializeViewFile(parseViewFile(text)), text, 'parse → serialize is the identity');
    // Tags in another order give the same bytes.
    assert.equal(serializeViewFile({ ...file, tags: { zeta: '1', alpha: '2' } }), text);
  });

  it('hold $SAVED as a draft only when it differs from $LATEST, including a draft that is not JSON', () => {
    const latest = snapshot();
    assert.equal(viewFileFromSnapshots(latest, snapshot()).draft, undefined);
    const draft = viewFileFromSnapshots(latest, snapshot({ content: { templateText: '{not json', actions: [] } }));
    assert.deepEqual(draft.draft, { templateText: '{not json', actions: [] });
    assert.deepEqual(parseViewFile(serializeViewFile(draft)).draft, { templateText: '{not json', actions: [] });
    const onlySaved = viewFileFromSnapshots(undefined, snapshot());
    assert.equal(onlySaved.template, undefined);
    assert.deepEqual(onlySaved.draft, snapshot().content);
  });

  it('refuse files that cannot be acted on, naming the file', () => {
    assert.throws(() => parseViewFile('[]', 'x.view.json'), /x\.view\.json: must hold a JSON object/);
    assert.throws(() => parseViewFile('{"name":"a"}', 'x.view.json'), /needs a "template"/);
    assert.throws(() => parseViewFile('{"name":"a","template":{},"tags":{"k":1}}'), /"tags" must map keys to strings/);
    assert.throws(() => parseViewFile('{nope'), /not JSON/);
  });

  it('are named after the view when that is safe, else a slug and a hash; never two alike, even ignoring case', () => {
    const names = viewFileNames(['Card', 'card', 'Hello World', 'Ünïcödé/../x', 'CON', 'plain-name_1.0', '', '.hidden']);
    assert.equal(names.get('plain-name_1.0'), 'plain-name_1.0.view.json');
    assert.match(names.get('Card')!, /^card-[0-9a-f]{8}\.view\.json$/);
    assert.match(names.get('card')!, /^card-[0-9a-f]{8}\.view\.json$/);
    assert.match(names.get('Hello World')!, /^hello-world-[0-9a-f]{8}\.view\.json$/);
    assert.match(names.get('Ünïcödé/../x')!, /^unicode-x-[0-9a-f]{8}\.view\.json$/);
    assert.match(names.get('CON')!, /^con-[0-9a-f]{8}\.view\.json$/);
    assert.match(names.get('')!, /^view-[0-9a-f]{8}\.view\.json$/);
    assert.match(names.get('.hidden')!, /^hidden-[0-9a-f]{8}\.view\.json$/);
    const files = [...names.values()].map((name) => name.toLowerCase());
    assert.equal(new Set(files).size, files.length);
    // Order of the names does not matter.
    assert.deepEqual(viewFileNames(['card', 'Card']).get('Card'), names.get('Card'));
    // A safe name that happens to look like another's hashed name still gets a file of its own.
    const hashed = names.get('Hello World')!.replace('.view.json', '');
    const tricky = viewFileNames(['Hello World', hashed]);
    assert.notEqual(tricky.get('Hello World')!.toLowerCase(), tricky.get(hashed)!.toLowerCase());
  });

  it('write a folder as a mirror: unchanged files untouched, files of views that are gone removed, other files kept', async () => {
    const dir = join(work, 'mirror');
    const a = viewFileFromSnapshots(snapshot({ name: 'a' }), undefined);
    const b = viewFileFromSnapshots(snapshot({ name: 'b' }), undefined);
    const first = await writeViewDir(dir, [a, b]);
    assert.equal(first.written.length, 2);
    writeFileSync(join(dir, 'README.md'), 'notes');
    const second = await writeViewDir(dir, [a]);
    assert.deepEqual(second, { written: [], unchanged: [join(dir, 'a.view.json')], removed: [join(dir, 'b.view.json')] });
    assert.deepEqual(readdirSync(dir).sort(), ['README.md', 'a.view.json']);
    assert.equal(readFileSync(join(dir, 'a.view.json'), 'utf8'), serializeViewFile(a));
    const loaded = await readViewDir(dir);
    assert.deepEqual(
      loaded.map((entry) => entry.file.name),
      ['a'],
    );
  });

  it('refuse a folder where two files hold the same view', async () => {
    const dir = join(work, 'twice');
    await writeViewDir(dir, [viewFileFromSnapshots(snapshot({ name: 'a' }), undefined)]);
    writeFileSync(join(dir, 'copy.view.json'), readFileSync(join(dir, 'a.view.json')));
    await assert.rejects(readViewDir(dir), /view "a" is also in/);
  });
});
