import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Writable } from 'node:stream';
import { main } from '../../cli/command.ts';

const work = mkdtempSync(join(tmpdir(), 'cli-command-'));
after(() => rmSync(work, { recursive: true, force: true }));

function sink() {
  let text = '';
  const stream = new Writable({
    write(chunk, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  return { stream, text: () => text };
}

/** The command with its output captured, as when piped (no terminal). */
async function run(args: string[]) {
  const stdout = sink();
  const stderr = sink();
  const code = await main(args, { stdout: stdout.stream, stderr: stderr.stream, stdinIsTTY: false });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

describe('connect-views command line', () => {
  it('--help lists every command and exits 0; a command’s --help its flags', async () => {
    const help = await run(['--help']);
    assert.equal(help.code, 0);
    for (const command of ['pull', 'plan', 'apply', 'promote', 'history', 'diff', 'rollback', 'lint'])
      assert.match(help.stdout, new RegExp(`^  ${command} `, 'm'));
    const promote = await run(['promote', '--help']);
    assert.equal(promote.code, 0);
    for (const flag of ['--from-instance-id', '--to-endpoint-url', '--from-profile', '--to-region', '--map-out', '--yes'])
      assert.ok(promote.stdout.includes(flag), flag);
  });

  it('usage errors exit 1 with one line and a hint', async () => {
    const missing = await run(['plan', '--dir', work]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /required option '--instance-id <id>' not specified/);
    assert.equal((await run(['plan', '--instance-id', 'i', '--dir', work, '--concurrency', '0'])).code, 1);
    assert.equal((await run(['nope'])).code, 1);
    const both = await run(['apply', '--instance-id', 'i', '--region', 'us-east-1']);
    assert.deepEqual([both.code, both.stderr], [1, 'connect-views: apply needs --dir or --plan (one of them)\n']);
    const badVersion = await run(['apply', '--instance-id', 'i', '--region', 'us-east-1', '--dir', work, '--version', 'PR #42']);
    assert.equal(badVersion.code, 1);
    assert.match(badVersion.stderr, /^connect-views: --version: a description has characters the API does not take/);
  });

  it('lint exits 1 on errors, 0 on warnings only, and prints file#pointer, severity, rule and reason', async () => {
    const bad = join(work, 'bad.view.json');
    const warned = join(work, 'warned.view.json');
    writeFileSync(bad, JSON.stringify({ name: 'bad', actions: [], template: { Title: 'Hi $.Name' } }));
    writeFileSync(warned, JSON.stringify({ name: 'warned', actions: ['Unused'], template: {} }));
    const failed = await run(['lint', bad, warned]);
    assert.equal(failed.code, 1);
    assert.equal(
      failed.stdout,
      `${bad}#/template/Title  error  embedded-reference  ` +
        '"Hi $.Name" holds a $. reference inside a longer string: it renders literally and declares no input\n' +
        `${warned}#/actions/0  warning  unused-action  ` +
        '"Unused" is declared but nothing in the template raises it: its flow branch can never be taken\n' +
        'Lint: 1 errors, 1 warnings in 2 files.\n',
    );
    const passed = await run(['lint', '--json', warned]);
    assert.equal(passed.code, 0);
    assert.equal(JSON.parse(passed.stdout)[0].rule, 'unused-action');
    const dir = await run(['lint', '--dir', work]);
    assert.match(dir.stdout, /in 2 files\.$/m);
    const missing = await run(['lint', join(work, 'missing.view.json')]);
    assert.equal(missing.code, 1);
    assert.match(missing.stdout, /file-shape {2}ENOENT/);
  });

  it('a file system error or a damaged plan file is one line naming the path, never a stack trace', async () => {
    const file = join(work, 'a-file');
    writeFileSync(file, 'x');
    const plan = (entries: unknown[]) => JSON.stringify({ format: 'connect-views-plan/1', instanceId: 'i-1', entries });
    const desired = { name: 'x', template: {}, tags: {} };
    const damaged: [string, string, RegExp][] = [
      [
        'truncated',
        plan([{ name: 'x', action: 'update', changes: [] }]).slice(0, -3),
        /truncated: not JSON \(.*\): save a plan with plan --json/,
      ],
      ['no-changes', plan([{ name: 'x', action: 'update', viewId: 'v', desired }]), /no-changes: entries\[0\]\.changes must be a list/],
      [
        'no-desired',
        plan([{ name: 'x', action: 'update', changes: ['content'], viewId: 'v', arn: 'arn:v' }]),
        /no-desired: entries\[0\]\.desired: must hold a JSON object/,
      ],
      ['no-view-id', plan([{ name: 'x', action: 'extra', changes: [] }]), /no-view-id: entries\[0\]\.viewId must be a string/],
      [
        'other-name',
        plan([{ name: 'y', action: 'create', changes: [], desired }]),
        /other-name: entries\[0\]\.desired\.name is "x", not the entry's "y"/,
      ],
      [
        'bad-tags',
        plan([{ name: 'x', action: 'update', changes: ['tags'], viewId: 'v', arn: 'arn:v', desired, tags: { set: {} } }]),
        /bad-tags: entries\[0\]\.tags must be/,
      ],
      [
        'other-instance',
        JSON.stringify({ format: 'connect-views-plan/1', instanceId: 'i-2', entries: [] }),
        /is a plan for instance i-2, not i-1/,
      ],
    ];
    const target = ['--instance-id', 'i-1', '--region', 'us-east-1', '--endpoint-url', 'http://127.0.0.1:9'];
    const cases: [string[], RegExp][] = [
      [['plan', '--dir', file, ...target], /^connect-views: ENOTDIR: not a directory, scandir '.*a-file'\n$/],
      [['apply', '--plan', work, ...target], new RegExp(`^connect-views: ${work}: EISDIR: illegal operation on a directory, read\\n$`)],
      [
        ['apply', '--plan', join(work, 'absent.json'), ...target],
        /^connect-views: ENOENT: no such file or directory, open '.*absent\.json'\n$/,
      ],
      ...damaged.map(([name, text, expected]): [string[], RegExp] => {
        writeFileSync(join(work, name), text);
        return [['apply', '--plan', join(work, name), ...target], new RegExp(`^connect-views: .*${expected.source}.*\\n$`)];
      }),
    ];
    for (const [args, expected] of cases) {
      const result = await run(args);
      assert.equal(result.code, 1, args.join(' '));
      assert.match(result.stderr, expected, args.join(' '));
      assert.equal(result.stdout, '', 'nothing applied');
    }
  });
});
