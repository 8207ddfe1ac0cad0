import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { ConnectClient, ListViewsCommand } from '@aws-sdk/client-connect';
import type { LocalService } from '../../emulator/service.ts';
import { assertGatewayErrorType, EXPECTED_GATEWAY_ANSWERS } from '../support/gateway-answers.ts';
import { connectClient, newInstanceId, startTestService, testApiType } from '../support/service.ts';
import { send, signRequest, type RawRequest, type RawResponse } from '../support/signed-http.ts';
import { itWithTools } from '../support/tools.ts';

const run = promisify(execFile);
let service: LocalService;
/** What the deployed API accepts: API Gateway with AWS_IAM takes only execute-api. */
let executeApiOnly: LocalService;

before(async () => {
  service = await startTestService();
  // On the same table: DynamoDB Local grows slower with every table (and stream) it holds.
  executeApiOnly = await startTestService({ signingNames: ['execute-api'], tableName: service.tableName });
});
after(async () => {
  await service.close();
  await executeApiOnly.close();
});

/** The unmodified clients sign for `connect`; the deployed API needs `execute-api`. Locally both verify alike. */
const SIGNING_NAMES = ['connect', 'execute-api'] as const;

function assertDenied(response: RawResponse, errorType: string, message?: RegExp) {
  assert.equal(response.status, 403, response.text);
  assertGatewayErrorType(response, errorType);
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

  it('refuses unsigned requests: MissingAuthenticationTokenException (REST API), Forbidden (HTTP API)', async () => {
    const expected = EXPECTED_GATEWAY_ANSWERS[testApiType()].missingToken;
    const response = await send(service, create(), { sign: false });
    assertDenied(response, 'MissingAuthenticationTokenException');
    assert.deepEqual(response.json, { message: expected.message });
  });

  for (const signingName of SIGNING_NAMES) {
    it(`refuses a wrong secret, an unknown key, and a wrong region scope (signed for ${signingName})`, async () => {
      const sign = { service: signingName };
      assert.equal((await send(service, create(), { overrides: sign })).status, 200);
      assertDenied(
        await send(service, create(), { overrides: { ...sign, secretAccessKey: 'wrong' } }),
        'InvalidSignatureException',
        /signature we calculated does not match/,
      );
      assertDenied(
        await send(service, create(), { overrides: { ...sign, accessKeyId: 'AKIDUNKNOWN' } }),
        'UnrecognizedClientException',
        /security token/,
      );
      assertDenied(
        await send(service, create(), { overrides: { ...sign, region: 'eu-west-1' } }),
        'InvalidSignatureException',
        /not 'eu-west-1'\. This service takes signatures for 'us-east-1'/,
      );
    });
  }

  it('refuses a scope naming another service; the deployed API’s gateway takes execute-api only', async () => {
    assertDenied(
      await send(service, create(), { overrides: { service: 's3' } }),
      'InvalidSignatureException',
      /scoped to correct service: 'connect' or 'execute-api'/,
    );
    assertDenied(
      await send(executeApiOnly, create(), { overrides: { service: 'connect' } }),
      'InvalidSignatureException',
      /correct service: 'execute-api'\./,
    );
    assert.equal((await send(executeApiOnly, create(), { overrides: { service: 'execute-api' } })).status, 200);
  });

  it('treats caller-chosen names as data: access keys like __proto__ are unknown keys, odd header and query names no fault', async () => {
    for (const accessKeyId of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf']) {
      assertDenied(await send(service, create(), { overrides: { accessKeyId } }), 'UnrecognizedClientException', /security token/);
    }
    // A header named __proto__, signed: Node's request.headers loses it, the verifier must not.
    const signedOddHeader = await send(service, { ...create(), headers: { __proto__: 'x', constructor: 'y' } });
    assert.equal(signedOddHeader.status, 200, signedOddHeader.text);
    for (const name of ['__proto__', 'constructor', 'hasOwnProperty']) {
      const response = await send(service, { method: 'GET', path: '/views/i', query: { [name]: 'x' } });
      assert.ok(response.status < 500, `query ${name}: ${response.status} ${response.text}`);
    }
    const oddAuthorization = await send(
      service,
      { method: 'GET', path: '/views/i' },
      {
        tamper: (h) => ({ ...h, authorization: `${h['authorization']}, __proto__=x, constructor=y` }),
      },
    );
    assert.ok(oddAuthorization.status === 200 || oddAuthorization.status === 403, oddAuthorization.text);
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
    assertDenied(
      await send(service, create(), { overrides: { signingDate: new Date(Date.now() - sixMinutes) } }),
      'InvalidSignatureException',
      /Signature expired/,
    );
    assertDenied(
      await send(service, create(), { overrides: { signingDate: new Date(Date.now() + sixMinutes) } }),
      'InvalidSignatureException',
      /not yet current/,
    );
    assert.equal((await send(service, create(), { overrides: { signingDate: new Date(Date.now() - 4 * 60 * 1000) } })).status, 200);
  });

  it('refuses malformed Authorization headers: IncompleteSignatureException', async () => {
    for (const authorization of [
      'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/execute-api/aws4_request',
      'Bearer abc',
      'AWS4-HMAC-SHA256 Credential=x, SignedHeaders=host, Signature=00',
    ]) {
      const response = await send(service, { method: 'GET', path: '/views/i' }, { tamper: (h) => ({ ...h, authorization }) });
      assertDenied(response, 'IncompleteSignatureException');
    }
  });
});

describe('every official client signs its way through, with nothing but an endpoint', () => {
  it('the JS SDK v3 ConnectClient as it comes (signs for connect)', async () => {
    const client = new ConnectClient({
      endpoint: service.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    assert.deepEqual((await client.send(new ListViewsCommand({ InstanceId: newInstanceId() }))).ViewsSummaryList, []);
    client.destroy();
  });

  it('the JS SDK v3 ConnectClient with signingName execute-api, as for the deployed API', async () => {
    const client = connectClient(service);
    // signingName is honoured by the signer but missing from ConnectClientConfig's type.
    const config = {
      endpoint: service.url,
      region: service.region,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      signingName: 'execute-api',
    };
    const executeApi = new ConnectClient(config);
    assert.deepEqual((await executeApi.send(new ListViewsCommand({ InstanceId: newInstanceId() }))).ViewsSummaryList, []);
    const deployed = new ConnectClient({ ...config, endpoint: executeApiOnly.url });
    assert.deepEqual((await deployed.send(new ListViewsCommand({ InstanceId: newInstanceId() }))).ViewsSummaryList, []);
    for (const c of [client, executeApi, deployed]) c.destroy();
  });

  itWithTools('stock boto3 client("connect") with an endpoint_url', ['boto3'], async () => {
    const script = `
import json, sys, boto3
from botocore.config import Config
url, instance = sys.argv[1], sys.argv[2]
c = boto3.client('connect', endpoint_url=url, region_name='us-east-1', aws_access_key_id='test', aws_secret_access_key='test',
                 config=Config(retries={'max_attempts': 1}))
view = c.create_view(InstanceId=instance, Name='from boto3', Status='PUBLISHED',
                     Content={'Template': '{"a":"$.x"}', 'Actions': ['Go']})['View']
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
pages = [p['ViewsSummaryList'] for p in c.get_paginator('list_views').paginate(InstanceId=instance, PaginationConfig={'PageSize': 1})]
print(json.dumps({'version': version['Version'], 'described': described['Version'], 'created': described['CreatedTime'].isoformat(),
                  'listed': [v['Version'] for v in listed], 'tags': tags, 'stale': stale, 'pages': len(pages)}))
`;
    const { stdout } = await run('python3', ['-c', script, service.url, newInstanceId()], {
      env: { ...process.env, AWS_CONFIG_FILE: '/nonexistent', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent' },
    });
    const result = JSON.parse(stdout);
    assert.equal(result.version, 1);
    assert.equal(result.described, 1);
    assert.match(result.created, /^\d{4}-\d{2}-\d{2}T/);
    assert.deepEqual(result.listed, [1]);
    assert.deepEqual(result.tags, { b: '2' });
    assert.equal(result.stale, 'ResourceInUseException');
    assert.equal(result.pages, 1);
  });

  itWithTools('boto3 with an execute-api signer, as for the deployed API', ['boto3'], async () => {
    const script = `
import sys, boto3
from botocore.auth import SigV4Auth, AUTH_TYPE_MAPS
from botocore.config import Config
class ExecuteApiSigV4Auth(SigV4Auth):
    def __init__(self, credentials, service_name, region_name):
        super().__init__(credentials, 'execute-api', region_name)
AUTH_TYPE_MAPS['v4-execute-api'] = ExecuteApiSigV4Auth
c = boto3.client('connect', endpoint_url=sys.argv[1], region_name='us-east-1', aws_access_key_id='test', aws_secret_access_key='test',
                 config=Config(signature_version='v4-execute-api', retries={'max_attempts': 1}))
print(len(c.list_views(InstanceId=sys.argv[2])['ViewsSummaryList']))
`;
    for (const target of [service, executeApiOnly]) {
      const { stdout } = await run('python3', ['-c', script, target.url, newInstanceId()]);
      assert.equal(stdout.trim(), '0');
    }
  });

  itWithTools('the stock AWS CLI: aws connect … --endpoint-url', ['aws'], async () => {
    const instance = newInstanceId();
    const env = {
      ...process.env,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_CONFIG_FILE: '/nonexistent',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
      AWS_PAGER: '',
    };
    const aws = async (...args: string[]) =>
      JSON.parse((await run('aws', ['connect', ...args, '--endpoint-url', service.url, '--output', 'json'], { env })).stdout);
    const created = await aws(
      'create-view',
      '--instance-id',
      instance,
      '--name',
      'from the CLI',
      '--status',
      'PUBLISHED',
      '--content',
      JSON.stringify({ Template: '{"a":"$.x"}', Actions: ['Go'] }),
    );
    const version = await aws(
      'create-view-version',
      '--instance-id',
      instance,
      '--view-id',
      created.View.Id,
      '--view-content-sha256',
      created.View.ViewContentSha256,
    );
    assert.equal(version.View.Version, 1);
    const listed = await aws('list-views', '--instance-id', instance);
    assert.deepEqual(
      listed.ViewsSummaryList.map((v: { Name: string }) => v.Name),
      ['from the CLI'],
    );
    const failed = await run(
      'aws',
      ['connect', 'describe-view', '--instance-id', instance, '--view-id', 'no-such-view', '--endpoint-url', service.url],
      { env },
    ).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    assert.ok(failed?.code === 254 || failed?.code === 255, `a service error exits 254 (CLI v2) or 255 (v1), not ${failed?.code}`);
    assert.match(failed!.stderr, /ResourceNotFoundException/);
  });

  for (const signingName of SIGNING_NAMES) {
    itWithTools(`curl --aws-sigv4 for ${signingName}`, ['curl'], async () => {
      const instance = newInstanceId();
      const { stdout } = await run('curl', [
        '-sS',
        '--aws-sigv4',
        `aws:amz:us-east-1:${signingName}`,
        '--user',
        'test:test',
        '-X',
        'PUT',
        '-H',
        'content-type: application/json',
        '--data',
        JSON.stringify({ Name: 'from curl', Status: 'SAVED', Content: { Template: '{}' } }),
        `${service.url}/views/${instance}`,
      ]);
      assert.equal(JSON.parse(stdout).View.Name, 'from curl');
    });
  }
});
