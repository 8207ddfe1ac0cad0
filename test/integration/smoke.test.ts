import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, it } from 'node:test';
import { useTestService } from '../support/service.ts';

const run = promisify(execFile);
const ctx = useTestService();

/** The smoke script users point at a deployed stage, proven against the local gateway. */
function smoke(args: string[], credentials?: { id: string; secret: string }) {
  return run(process.execPath, ['scripts/smoke.ts', ...args], {
    env: {
      PATH: process.env['PATH'],
      HOME: '/nonexistent',
      ...(credentials ? { AWS_ACCESS_KEY_ID: credentials.id, AWS_SECRET_ACCESS_KEY: credentials.secret } : {}),
    },
  });
}

describe('npm run smoke', () => {
  it('walks create → update → publish → version → describe → delete with the caller’s credentials', async () => {
    const { stdout } = await smoke(['--endpoint', ctx.service.url, '--region', ctx.service.region], { id: 'test', secret: 'test' });
    for (const step of [
      'CreateView',
      'UpdateViewContent',
      'CreateViewVersion',
      'DescribeView (:1)',
      'ListViewVersions',
      'DeleteView',
      'Smoke test passed.',
    ]) {
      assert.ok(stdout.includes(step), step);
    }
    assert.doesNotMatch(stdout, /FAIL/);
  });

  it('against a local endpoint, uses the local credentials when none are in the environment', async () => {
    const { stdout } = await smoke(['--endpoint', ctx.service.url]);
    assert.match(stdout, /Smoke test passed\./);
  });

  it('fails, saying where, when the stage refuses the caller', async () => {
    const failure = await smoke(['--endpoint', ctx.service.url], { id: 'test', secret: 'wrong' }).then(
      () => undefined,
      (error: { code: number; stdout: string }) => error,
    );
    assert.equal(failure?.code, 1);
    assert.match(failure!.stdout, /FAIL {2}CreateView \(SAVED\): InvalidSignatureException/);
  });
});
