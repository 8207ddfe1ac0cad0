import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AWS_CLIENT_DEFAULTS } from '../../lambda/aws-clients.ts';
import { SecretPageTokenKeys } from '../../lambda/page-token-keys.ts';
import { clientConfigFor, FakeSecretsManager } from '../support/fake-secrets-manager.ts';

const secretId = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:page-tokens-AbCdEf';
const secrets = new FakeSecretsManager(secretId);
let endpoint: string;
before(async () => (endpoint = await secrets.start()));
after(() => secrets.stop());

function source(now: () => number = Date.now) {
  return new SecretPageTokenKeys(secretId, { clientConfig: clientConfigFor(endpoint), now });
}

describe('NextToken keys from Secrets Manager', () => {
  it('reads the current key, and no previous one before the first rotation; both are cached', async () => {
    secrets.stages.clear();
    secrets.rotate('the-very-first-key-value');
    secrets.reads.length = 0;
    const keys = source();
    assert.deepEqual(await keys.keys(), { current: 'the-very-first-key-value' });
    assert.deepEqual(secrets.reads.sort(), ['AWSCURRENT', 'AWSPREVIOUS']);
    assert.deepEqual(await keys.keys(), { current: 'the-very-first-key-value' });
    assert.equal(secrets.reads.length, 2, 'neither the value nor the absence is read again within the max age');
  });

  it('remembers that there is no previous key for the max age (300 s), then asks again', async () => {
    secrets.stages.clear();
    secrets.rotate('the-very-first-key-value');
    let now = 5_000_000;
    const keys = source(() => now);
    await keys.keys();
    secrets.reads.length = 0;
    now += 299_000;
    await keys.keys();
    assert.equal(secrets.reads.length, 0, 'the absence still holds 299 s later');
    now += 2_000;
    await keys.keys();
    assert.ok(secrets.reads.includes('AWSPREVIOUS'), 'asked again once the max age is over');
  });

  it('reads AWSCURRENT and AWSPREVIOUS as two values, not one cached under the secret’s name', async () => {
    secrets.stages.clear();
    secrets.rotate('the-key-before-rotation');
    secrets.rotate('the-key-after-rotation!!');
    assert.deepEqual(await source().keys(), { current: 'the-key-after-rotation!!', previous: 'the-key-before-rotation' });
  });

  it('reads again on a refresh, at most once per interval, and keeps the cached keys otherwise', async () => {
    secrets.stages.clear();
    secrets.rotate('the-key-before-rotation');
    let now = 1_000_000;
    const keys = source(() => now);
    assert.deepEqual(await keys.keys(), { current: 'the-key-before-rotation' });
    secrets.rotate('the-key-after-rotation!!');
    assert.deepEqual(await keys.keys(), { current: 'the-key-before-rotation' }, 'cached until the max age');
    assert.deepEqual(await keys.keys({ refresh: true }), { current: 'the-key-after-rotation!!', previous: 'the-key-before-rotation' });
    secrets.rotate('a-third-key-much-later!!');
    secrets.reads.length = 0;
    now += 5_000;
    assert.deepEqual(
      await keys.keys({ refresh: true }),
      { current: 'the-key-after-rotation!!', previous: 'the-key-before-rotation' },
      'no second read within 30 s',
    );
    assert.equal(secrets.reads.length, 0);
    now += 30_000;
    assert.deepEqual(await keys.keys({ refresh: true }), { current: 'a-third-key-much-later!!', previous: 'the-key-after-rotation!!' });
  });

  it('takes only “not found” for “never rotated”: any other failure to read AWSPREVIOUS surfaces and is not remembered', async () => {
    const failures = [
      { type: 'ThrottlingException', status: 400 },
      { type: 'AccessDeniedException', status: 400 },
      { type: 'InternalServiceError', status: 500 },
      'hang' as const,
    ];
    for (const failure of failures) {
      secrets.stages.clear();
      secrets.rotate('the-key-before-rotation');
      secrets.rotate('the-key-after-rotation!!');
      secrets.failures.set('AWSPREVIOUS', failure);
      // The service's own timeouts, shortened: a read that never answers must end as a failure too.
      const requestHandler = { ...AWS_CLIENT_DEFAULTS.requestHandler, requestTimeout: 300 };
      const keys = new SecretPageTokenKeys(secretId, { clientConfig: { ...clientConfigFor(endpoint), requestHandler } });
      const label = typeof failure === 'string' ? 'a read that never answers' : failure.type;
      await assert.rejects(keys.keys(), `${label} surfaces`);
      secrets.failures.clear();
      // Had the failure been taken for "never rotated", the previous key would now be missing for minutes.
      assert.deepEqual(
        await keys.keys(),
        { current: 'the-key-after-rotation!!', previous: 'the-key-before-rotation' },
        `after ${label}, the previous key is read again`,
      );
    }
  });

  it('fails loudly when the secret cannot be read', async () => {
    const missing = new SecretPageTokenKeys(`${secretId}-missing`, { clientConfig: clientConfigFor(endpoint) });
    await assert.rejects(missing.keys(), /can't find/);
  });
});
