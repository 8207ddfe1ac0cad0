import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hasErrors, lintContent, lintView, lintViewText, RULES, type Finding } from '../../cli/lint.ts';

/** A file every rule passes. */
function good(): Record<string, unknown> {
  return {
    name: 'Order form',
    description: 'Takes an order (v2)',
    actions: ['Submit', 'Cancel'],
    template: {
      Head: { Title: '$.Title' },
      Body: [
        { Type: 'Text', Props: { Text: '$.Customer.Name', Price: 'costs $.50' } },
        { Type: 'Button', Props: { Action: 'Submit', Label: 'Send' } },
        { Type: 'Button', Props: { Action: 'Cancel', Label: 'Stop' } },
      ],
    },
    tags: { team: 'orders', 'cost:centre': '42' },
  };
}

function rulesOf(findings: Finding[]): string[] {
  return [...new Set(findings.map((finding) => finding.rule))].sort();
}

function only(rule: string, mutate: (file: Record<string, any>) => void): Finding[] {
  const file = good();
  mutate(file);
  const findings = lintView(file);
  assert.deepEqual(rulesOf(findings), [rule], JSON.stringify(findings));
  return findings;
}

describe('lint', () => {
  it('passes a good file with no finding at all', () => {
    assert.deepEqual(lintView(good()), []);
  });

  it('file-shape: not an object, not JSON, no template', () => {
    assert.equal(lintView([])[0]!.rule, 'file-shape');
    const notJson = lintViewText('{', 'a.view.json');
    assert.deepEqual([notJson[0]!.rule, notJson[0]!.file], ['file-shape', 'a.view.json']);
    only('file-shape', (file) => {
      delete file['template'];
      file['actions'] = [];
    });
  });

  it('template-object: the template must be a JSON object', () => {
    const [finding] = only('template-object', (file) => {
      file['template'] = ['a'];
      file['actions'] = [];
    });
    assert.deepEqual([finding!.severity, finding!.pointer], ['error', '/template']);
    assert.match(finding!.message, /not an array/);
    assert.equal(lintContent({ templateText: 'nope', actions: [] })[0]!.rule, 'template-object');
  });

  it('template-depth: at most 128 levels', () => {
    let deep: Record<string, unknown> = {};
    const root = deep;
    for (let i = 0; i < 130; i++) deep = deep['x'] = {} as Record<string, unknown>;
    only('template-depth', (file) => {
      file['template'] = root;
      file['actions'] = [];
    });
    let ok: Record<string, unknown> = {};
    const okRoot = ok;
    for (let i = 0; i < 120; i++) ok = ok['x'] = {} as Record<string, unknown>;
    assert.deepEqual(lintContent({ template: okRoot, actions: [] }), []);
  });

  it('content-size: template plus actions within 409,600 bytes', () => {
    only('content-size', (file) => {
      file['template'] = { ...file['template'], Big: 'é'.repeat(205_000) };
    });
    assert.deepEqual(lintContent({ template: { Big: 'x'.repeat(400_000) }, actions: [] }), []);
  });

  it('embedded-reference: $.Name inside a longer string, not a price like $.50', () => {
    const [finding] = only('embedded-reference', (file) => {
      file['template'].Body[0].Props.Text = 'Hello $.Customer.Name';
    });
    assert.equal(finding!.pointer, '/template/Body/0/Props/Text');
    assert.equal(finding!.severity, 'error');
  });

  it('undeclared-action: raised in the template but missing from actions', () => {
    const [finding] = only('undeclared-action', (file) => {
      file['template'].Body.push({ Type: 'Button', Props: { Action: 'Escalate' } });
    });
    assert.equal(finding!.pointer, '/template/Body/3/Props/Action');
  });

  it('unused-action: declared but never raised (a warning); silent when an action is raised dynamically', () => {
    const [finding] = only('unused-action', (file) => {
      file['actions'] = ['Submit', 'Cancel', 'Later'];
    });
    assert.deepEqual([finding!.severity, finding!.pointer], ['warning', '/actions/2']);
    const dynamic = good();
    dynamic['actions'] = ['Submit', 'Cancel', 'Later'];
    (dynamic['template'] as any).Body.push({ Type: 'Button', Props: { Action: '$.NextAction' } });
    assert.deepEqual(lintView(dynamic), []);
    assert.equal(hasErrors([finding!]), false);
  });

  it('duplicate-action: actions are unique', () => {
    only('duplicate-action', (file) => {
      file['actions'] = ['Submit', 'Cancel', 'Submit'];
    });
  });

  it('empty-string: an empty value in the template (a warning)', () => {
    const [finding] = only('empty-string', (file) => {
      file['template'].Head.Subtitle = '';
    });
    assert.deepEqual([finding!.severity, finding!.pointer], ['warning', '/template/Head/Subtitle']);
  });

  it('name: 1–255 characters of the model pattern', () => {
    only('name', (file) => {
      file['name'] = '';
    });
    only('name', (file) => {
      file['name'] = 'x'.repeat(256);
    });
    only('name', (file) => {
      file['name'] = 'semi;colon';
    });
    only('name', (file) => {
      file['name'] = ' leading space';
    });
    assert.deepEqual(lintView({ ...good(), name: "Ünïcode name (v1) = ok's" }), []);
  });

  it('description: 1–4096 characters of the model pattern (commas allowed)', () => {
    only('description', (file) => {
      file['description'] = 'x'.repeat(4097);
    });
    only('description', (file) => {
      file['description'] = 'no <html>';
    });
    assert.deepEqual(lintView({ ...good(), description: 'one, two' }), []);
  });

  it('action: 1–255 characters of the model pattern', () => {
    only('action', (file) => {
      file['actions'] = ['Submit', 'Cancel', 'bad!'];
      file['template'].Body.push({ Type: 'Button', Props: { Action: 'bad!' } });
    });
  });

  it('tags: at most 50, keys 1–128 and not aws:, values up to 256', () => {
    only('tags', (file) => {
      file['tags'] = { 'aws:owner': 'x' };
    });
    only('tags', (file) => {
      file['tags'] = { k: 'v'.repeat(257) };
    });
    only('tags', (file) => {
      file['tags'] = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v']));
    });
    assert.deepEqual(lintView({ ...good(), tags: Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v'])) }), []);
  });

  it('unknown-member: a member a view file does not have (a warning)', () => {
    const [finding] = only('unknown-member', (file) => {
      file['Template'] = {};
    });
    assert.equal(finding!.severity, 'warning');
  });

  it('a draft is linted too, its findings as warnings', () => {
    const file = good();
    file['draft'] = { actions: [], template: { Body: [{ Props: { Action: 'Nope' } }] } };
    const findings = lintView(file);
    assert.deepEqual(rulesOf(findings), ['undeclared-action']);
    assert.deepEqual([findings[0]!.severity, findings[0]!.pointer], ['warning', '/draft/template/Body/0/Props/Action']);
  });

  it('documents every rule it reports', () => {
    const ids = RULES.map((rule) => rule.id);
    assert.equal(new Set(ids).size, ids.length);
    for (const rule of RULES) assert.ok(rule.source && rule.summary, rule.id);
  });
});
