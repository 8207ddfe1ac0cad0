import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

/** A test that needs a missing tool never passes: skipped with the reason, or failed in CI. */
const dir = mkdtempSync(join(tmpdir(), 'views-tools-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const tools = join(dirname(fileURLToPath(import.meta.url)), '..', 'support', 'tools.ts');
const file = join(dir, 'needs-cfn-lint.test.ts');
writeFileSync(file, `import { itWithTools } from ${JSON.stringify(tools)};\nitWithTools('lints', ['cfn-lint'], async () => {});\n`);

/** Runs the file with a PATH that holds node and nothing else, so cfn-lint is missing. */
function runWithoutTools(ci: string | undefined) {
  const env: Record<string, string> = { PATH: dirname(process.execPath) };
  if (ci !== undefined) env['CI'] = ci;
  const result = spawnSync(process.execPath, ['--test', '--test-reporter=tap', file], { encoding: 'utf8', env });
  return { code: result.status, output: result.stdout + result.stderr };
}

describe('tests that need a tool', () => {
  it('are skipped, saying what is missing, on a developer machine', () => {
    const { code, output } = runWithoutTools(undefined);
    assert.equal(code, 0, output);
    assert.match(output, /# SKIP needs cfn-lint/);
    assert.match(output, /# skipped 1/);
  });

  it('fail in CI, saying what is missing', () => {
    const { code, output } = runWithoutTools('true');
    assert.equal(code, 1, output);
    assert.match(output, /needs cfn-lint \(pip install cfn-lint\): required when CI is set/);
    assert.match(output, /# fail 1/);
  });
});
