import { spawnSync } from 'node:child_process';
import { it, type TestContext } from 'node:test';

/**
 * Tests that drive the service with tools from outside npm (boto3, the AWS CLI, curl, cfn-lint).
 * Where a tool is missing, such a test is skipped with the reason on a developer's machine, and
 * fails in CI (`CI=true`), so that a missing tool can never turn into a green run.
 */
export type Tool = 'boto3' | 'aws' | 'curl' | 'cfn-lint';

interface Probe {
  command: string;
  args: string[];
  /** What the output must show beyond a zero exit code. */
  accept?: (stdout: string) => boolean;
  install: string;
}

/** curl learned --aws-sigv4 in 7.75.0. */
function curlHasSigV4(stdout: string): boolean {
  const [major = 0, minor = 0] = (/^curl (\d+)\.(\d+)/.exec(stdout) ?? []).slice(1).map(Number);
  return major > 7 || (major === 7 && minor >= 75);
}

const PROBES: Record<Tool, Probe> = {
  boto3: { command: 'python3', args: ['-c', 'import boto3'], install: 'python3 with boto3 (pip install boto3)' },
  aws: { command: 'aws', args: ['--version'], install: 'the AWS CLI (v1 or v2)' },
  curl: { command: 'curl', args: ['--version'], accept: curlHasSigV4, install: 'curl 7.75 or later (--aws-sigv4)' },
  'cfn-lint': { command: 'cfn-lint', args: ['--version'], install: 'cfn-lint (pip install cfn-lint)' },
};

const found = new Map<Tool, boolean>();

export function hasTool(tool: Tool): boolean {
  let present = found.get(tool);
  if (present === undefined) {
    const probe = PROBES[tool];
    const result = spawnSync(probe.command, probe.args, { encoding: 'utf8', timeout: 30_000 });
    present = result.status === 0 && (probe.accept?.(result.stdout) ?? true);
    found.set(tool, present);
  }
  return present;
}

export function inCi(): boolean {
  const ci = process.env['CI']?.toLowerCase();
  return ci !== undefined && ci !== '' && ci !== 'false' && ci !== '0';
}

/**
 * `it(name, fn)` for a test that needs `tools`: run when they are all installed; otherwise skipped
 * with the reason, or, in CI, failed with it.
 */
export function itWithTools(name: string, tools: Tool[], fn: (t: TestContext) => Promise<void>): void {
  const missing = tools.filter((tool) => !hasTool(tool));
  if (missing.length === 0) {
    it(name, fn);
    return;
  }
  const reason = `needs ${missing.map((tool) => PROBES[tool].install).join(' and ')}`;
  if (inCi()) {
    it(name, () => {
      throw new Error(`${reason}: required when CI is set, so that this test cannot pass by not running`);
    });
  } else {
    it(name, { skip: reason }, fn);
  }
}
