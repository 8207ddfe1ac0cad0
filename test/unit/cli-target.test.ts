import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { explainSdkError, parseInstance, signingNameFor, targetFromOptions } from '../../cli/target.ts';

describe('target', () => {
  it('takes an instance id or an instance ARN, the ARN giving the region', () => {
    assert.deepEqual(parseInstance('4d2a7f8c-1b3e-4a5f-9c6d-7e8f9a0b1c2d'), { instanceId: '4d2a7f8c-1b3e-4a5f-9c6d-7e8f9a0b1c2d' });
    const arn = 'arn:aws:connect:eu-west-2:123456789012:instance/4d2a7f8c-1b3e-4a5f-9c6d-7e8f9a0b1c2d';
    assert.deepEqual(parseInstance(arn), { instanceId: '4d2a7f8c-1b3e-4a5f-9c6d-7e8f9a0b1c2d', region: 'eu-west-2', arnPrefix: arn });
    assert.equal(parseInstance('arn:aws-us-gov:connect:us-gov-west-1:123456789012:instance/abc').region, 'us-gov-west-1');
    assert.throws(() => parseInstance('arn:aws:connect:eu-west-2:123456789012:instance/abc/view/def'), /not an instance ARN/);
    assert.throws(() => parseInstance('  '), /empty/);
  });

  it('signs for execute-api on an API Gateway host by itself, and as told otherwise', () => {
    assert.equal(signingNameFor('https://abc123.execute-api.eu-west-1.amazonaws.com/prod'), 'execute-api');
    assert.equal(signingNameFor('https://abc123.execute-api.cn-north-1.amazonaws.com.cn/prod'), 'execute-api');
    assert.equal(signingNameFor('https://views.example.com'), undefined);
    assert.equal(signingNameFor('https://execute-api.example.com.evil.io'), undefined);
    assert.equal(signingNameFor('https://views.example.com', 'execute-api'), 'execute-api');
    assert.equal(signingNameFor(undefined), undefined);
    assert.throws(() => signingNameFor('not a url'), /not a URL/);
  });

  it('builds a client with adaptive retries, the ARN region and the signing name', async () => {
    const target = targetFromOptions({
      instanceId: 'arn:aws:connect:ap-southeast-2:123456789012:instance/i-1',
      endpointUrl: 'https://abc.execute-api.ap-southeast-2.amazonaws.com/prod',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    });
    assert.equal(target.instanceId, 'i-1');
    assert.equal(target.instanceArnPrefix, 'arn:aws:connect:ap-southeast-2:123456789012:instance/i-1');
    assert.equal(await target.client.config.region(), 'ap-southeast-2');
    assert.equal((await target.client.config.retryStrategy()).constructor.name, 'AdaptiveRetryStrategy');
    assert.equal((target.client.config as unknown as { signingName?: string }).signingName, 'execute-api');
    target.client.destroy();
    const named = targetFromOptions({ instanceId: 'i-2', region: 'eu-west-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
    assert.equal(await named.client.config.region(), 'eu-west-1');
    named.client.destroy();
  });

  it('says what to do about a missing region or credentials, in one line', () => {
    assert.match(explainSdkError(new Error('Region is missing'))!, /--region/);
    const noCredentials = Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' });
    assert.match(explainSdkError(noCredentials)!, /AWS_ACCESS_KEY_ID/);
    assert.equal(explainSdkError(new Error('something else')), undefined);
  });
});
