import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { ListViewsCommand } from '@aws-sdk/client-connect';
import type { LocalService } from '../../bin/local/service.ts';
import { connectClient, newInstanceId, startTestService } from '../support/service.ts';
import { send, signRequest, type RawRequest, type RawResponse } from '../support/signed-http.ts';

const run = promisify(execFile);
let service: LocalService;

before(async () => {
  service = await startTestService();
});
after(async () => {
  await service.close();
});

function assertDenied(response: RawResponse, errorType: string, message?: RegExp) {
  assert.equal(response.status, 403, response.text);
  assert.equal(response.headers.get('x-amzn-errortype'), errorType);
  assert.equal(typeof response.json?.['message'], 'string', 'API Gateway words errors as {"message"}');
  if (message) assert.match(String(response.json!['message']), message);
}

const create = (): RawRequest => ({
  method: 'PUT',
  path: `/views/${newInstanceId()}`,
  body: JSON.stringify({ Name: 'signed', Status: 'SAVED', Content: { Template: '{}' } }),
});

describe('the local gateway verifies SigV4 like API Gateway with AWS_IAM', () => {
  it('accepts requests signed the JS SDK way (x-amz-content-sha256) and the boto3 way (no such header)', async () => {
    assert.equal((await send(service, create(), { overrides: { contentSha256Header: true } })).status, 200);
    assert.equal((await send(service, create(), { overrides: { contentSha256Header: false } })).status, 200);
    const withQuery = await send(service, { method: 'GET', path: '/views/i', query: { maxResults: '5', type: 'CUSTOMER_MANAGED' } });
    assert.equal(withQuery.status, 200, withQuery.text);
  });

  it('refuses unsigned requests: MissingAuthenticationTokenException', async () => {
    assertDenied(await send(service, create(), { sign: false }), 'MissingAuthenticationTokenException', /Missing Authentication Token/);
  });

  it('refuses a wrong secret, an unknown key, and a wrong service or region scope', async () => {
    assertDenied(await send(service, create(), { overrides: { secretAccessKey: 'wrong' } }), 'InvalidSignatureException', /signature we calculated does not match/);
    assertDenied(await send(service, create(), { overrides: { accessKeyId: 'AKIDUNKNOWN' } }), 'UnrecognizedClientException', /security token/);
    assertDenied(await send(service, create(), { overrides: { service: 'connect' } }), 'InvalidSignatureException', /execute-api/);
    assertDenied(await send(service, create(), { overrides: { region: 'eu-west-1' } }), 'InvalidSignatureException', /region/);
  });

  it('refuses a body changed after signing, with and without the payload hash header', async () => {
    const tampered = JSON.stringify({ Name: 'evil', Status: 'SAVED', Content: { Template: '{}' } });
    for (const contentSha256Header of [true, false]) {
      const response = await send(service, create(), { overrides: { contentSha256Header }, body: tampered });
      assertDenied(response, 'InvalidSignatureException');
    }
  });

  it('refuses a changed path, query, or signed header, and ignores unsigned extra headers', async () => {
    const signed = await signRequest(service, { method: 'GET', path: '/views/i', query: { maxResults: '5' } });
    const headers = Object.fromEntries(Object.entries(signed.headers).map(([k, v]) => [k, String(v)]));
    delete headers['host'];
    const replay = async (pathAndQuery: string, extra: Record<string, string> = {}) =>
      (await fetch(`${service.url}${pathAndQuery}`, { headers: { ...headers, ...extra } })).status;

    assert.equal(await replay('/views/i?maxResults=5'), 200);
    assert.equal(await replay('/views/other?maxResults=5'), 403);
    assert.equal(await replay('/views/i?maxResults=6'), 403);
    assert.equal(await replay('/views/i?maxResults=5&type=AWS_MANAGED'), 403);
    const date = headers['x-amz-date']!;
    const nextSecond = date.replace(/(\d)Z$/, (_, d: string) => `${(Number(d) + 1) % 10}Z`);
    assert.equal(await replay('/views/i?maxResults=5', { 'x-amz-date': nextSecond }), 403);
    assert.equal(await replay('/views/i?maxResults=5', { 'x-extra': 'unsigned headers are not covered' }), 200);
  });

  it('refuses header injection: a changed signed header, a claimed header that was not signed, a second signature', async () => {
    const request = create();
    const changedType = await send(service, request, { tamper: (h) => ({ ...h, 'content-type': 'text/plain' }) });
    assertDenied(changedType, 'InvalidSignatureException');
    const claimed = await send(service, request, {
      tamper: (h) => ({ ...h, authorization: h['authorization']!.replace('SignedHeaders=', 'SignedHeaders=x-injected;') }),
    });
    assertDenied(claimed, 'InvalidSignatureException');
    const twoSignatures = await send(service, request, {
      tamper: (h) => ({ ...h, authorization: `${h['authorization']}, Signature=${'0'.repeat(64)}` }),
    });
    assert.equal(twoSignatures.status, 403);
  });

  it('refuses signatures more than 5 minutes old or ahead', async () => {
    const sixMinutes = 6 * 60 * 1000;
    assertDenied(await send(service, create(), { overrides: { signingDate: new Date(Date.now() - sixMinutes) } }), 'InvalidSignatureException', /Signature expired/);
    assertDenied(await send(service, create(), { overrides: { signingDate: new Date(Date.now() + sixMinutes) } }), 'InvalidSignatureException', /not yet current/);
    assert.equal((await send(service, create(), { overrides: { signingDate: new Date(Date.now() - 4 * 60 * 1000) } })).status, 200);
  });

  it('refuses malformed Authorization headers: IncompleteSignatureException', async () => {
    for (const authorization of ['AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/execute-api/aws4_request', 'Bearer abc', 'AWS4-HMAC-SHA256 Credential=x, SignedHeaders=host, Signature=00']) {
      const response = await send(service, { method: 'GET', path: '/views/i' }, { tamper: (h) => ({ ...h, authorization }) });
      assertDenied(response, 'IncompleteSignatureException');
    }
  });
});

describe('every official client signs its way through', () => {
  it('the JS SDK v3 ConnectClient with signingName execute-api', async () => {
    const client = connectClient(service);
    const result = await client.send(new ListViewsCommand({ InstanceId: newInstanceId() }));
    assert.deepEqual(result.ViewsSummaryList, []);
    client.destroy();
  });

  it('boto3 client("connect") with an execute-api signer', async () => {
    const script = `
import json, sys, boto3
from botocore.auth import SigV4Auth, AUTH_TYPE_MAPS
from botocore.config import Config
class ExecuteApiSigV4Auth(SigV4Auth):
    def __init__(self, credentials, service_name, region_name):
        super().__init__(credentials, 'execute-api', region_name)
AUTH_TYPE_MAPS['v4-execute-api'] = ExecuteApiSigV4Auth
url, instance = sys.argv[1], sys.argv[2]
c = boto3.client('connect', endpoint_url=url, region_name='us-east-1', aws_access_key_id='test', aws_secret_access_key='test',
                 config=Config(signature_version='v4-execute-api', retries={'max_attempts': 1}))
view = c.create_view(InstanceId=instance, Name='from boto3', Status='PUBLISHED', Content={'Template': '{"a":"$.x"}', 'Actions': ['Go']})['View']
version = c.create_view_version(InstanceId=instance, ViewId=view['Arn'], VersionDescription='py')['View']
described = c.describe_view(InstanceId=instance, ViewId=view['Id'] + ':1')['View']
listed = c.list_view_versions(InstanceId=instance, ViewId=view['Id'])['ViewVersionSummaryList']
c.tag_resource(resourceArn=view['Arn'], tags={'a': '1', 'b': '2'})
c.untag_resource(resourceArn=view['Arn'], tagKeys=['a'])
tags = c.list_tags_for_resource(resourceArn=view['Arn'])['tags']
try:
    c.create_view_version(InstanceId=instance, ViewId=view['Id'], ViewContentSha256='0' * 64)
    stale = 'no error'
except c.exceptions.ResourceInUseException as e:
    stale = 'ResourceInUseException'
print(json.dumps({'version': version['Version'], 'described': described['Version'], 'created': described['CreatedTime'].isoformat(),
                  'listed': [v['Version'] for v in listed], 'tags': tags, 'stale': stale}))
`;
    const { stdout } = await run('python3', ['-c', script, service.url, newInstanceId()]);
    const result = JSON.parse(stdout);
    assert.equal(result.version, 1);
    assert.equal(result.described, 1);
    assert.match(result.created, /^\d{4}-\d{2}-\d{2}T/);
    assert.deepEqual(result.listed, [1]);
    assert.deepEqual(result.tags, { b: '2' });
    assert.equal(result.stale, 'ResourceInUseException');
  });

  it('curl --aws-sigv4', async () => {
    const instance = newInstanceId();
    const { stdout } = await run('curl', [
      '-sS', '--aws-sigv4', 'aws:amz:us-east-1:execute-api', '--user', 'test:test',
      '-X', 'PUT', '-H', 'content-type: application/json',
      '--data', JSON.stringify({ Name: 'from curl', Status: 'SAVED', Content: { Template: '{}' } }),
      `${service.url}/views/${instance}`,
    ]);
    assert.equal(JSON.parse(stdout).View.Name, 'from curl');
  });
});
