import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import type { LocalService } from '../../emulator/service.ts';
import { assertGatewayErrorType } from '../support/gateway-answers.ts';
import { startTestService } from '../support/service.ts';

/**
 * Every rule the gateway holds the Authorization header and the signed headers to, one request each,
 * built by hand: the SDKs always sign Host, always send X-Amz-Date and never misspell a parameter, so
 * no test through an SDK would notice a rule that stopped being enforced. Each request breaks exactly
 * one rule and is otherwise correct — where it can be, validly signed — so that without the rule it
 * would be let through, and the refusal's words are asserted as API Gateway words them.
 */
let service: LocalService;
before(async () => {
  service = await startTestService();
});
after(() => service.close());

const PATH = '/views/inst-rules';
const QUERY = 'maxResults=5';

interface Signed {
  headers: Record<string, string>;
  authorization: string;
}

/** A GET of PATH?QUERY signed with the service's own key, optionally leaving some headers unsigned. */
async function signed(options: { unsignable?: string[]; signingDate?: Date; body?: string; method?: string } = {}): Promise<Signed> {
  const url = new URL(service.url);
  const signer = new SignatureV4({
    credentials: { accessKeyId: service.accessKeyId, secretAccessKey: service.secretAccessKey },
    region: service.region,
    service: 'execute-api',
    sha256: Sha256,
    applyChecksum: true,
  });
  const request = await signer.sign(
    {
      method: options.method ?? 'GET',
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path: PATH,
      query: { maxResults: '5' },
      headers: { host: url.host },
      ...(options.body !== undefined ? { body: options.body } : {}),
    },
    {
      signingDate: options.signingDate ?? new Date(),
      ...(options.unsignable ? { unsignableHeaders: new Set(options.unsignable) } : {}),
    },
  );
  const headers = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name.toLowerCase(), String(value)]));
  return { headers, authorization: headers['authorization']! };
}

async function call(headers: Record<string, string>, options: { query?: string; body?: string; method?: string } = {}) {
  const { host: _host, ...sent } = headers;
  const method = options.method ?? 'GET';
  const response = await fetch(`${service.url}${PATH}?${options.query ?? QUERY}`, {
    method,
    headers: sent,
    ...(options.body !== undefined ? { body: options.body } : {}),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: JSON.parse(text) as Record<string, unknown> };
}

async function assertRefused(response: Awaited<ReturnType<typeof call>>, errorType: string, message: string | RegExp): Promise<void> {
  assert.equal(response.status, 403, response.text);
  assertGatewayErrorType(response, errorType);
  if (typeof message === 'string') assert.equal(response.json['message'], message);
  else assert.match(String(response.json['message']), message);
}

/** The Authorization header with one parameter's value replaced (or, with undefined, the parameter left out). */
function withParameter(authorization: string, name: string, value: string | undefined): string {
  const [algorithm, ...rest] = authorization.split(' ');
  const parameters = rest
    .join(' ')
    .split(',')
    .map((part) => part.trim())
    .flatMap((part) => {
      if (!part.startsWith(`${name}=`)) return [part];
      return value === undefined ? [] : [`${name}=${value}`];
    });
  return `${algorithm} ${parameters.join(', ')}`;
}

const parameter = (authorization: string, name: string) => new RegExp(`${name}=([^,]+)`).exec(authorization)![1]!;

describe('each rule of the Authorization header, alone, by hand', () => {
  it('takes the correctly signed request these cases start from', async () => {
    const { headers } = await signed();
    assert.equal((await call(headers)).status, 200);
  });

  it('refuses another algorithm', async () => {
    const { headers, authorization } = await signed();
    const response = await call({ ...headers, authorization: authorization.replace('AWS4-HMAC-SHA256', 'AWS4-HMAC-SHA512') });
    await assertRefused(
      response,
      'IncompleteSignatureException',
      "Authorization header requires the AWS4-HMAC-SHA256 algorithm and 'Credential', 'SignedHeaders' and 'Signature' parameters.",
    );
  });

  for (const name of ['Credential', 'SignedHeaders', 'Signature']) {
    it(`refuses an Authorization header without ${name}, or with ${name} empty`, async () => {
      const { headers, authorization } = await signed();
      for (const value of [undefined, '']) {
        const response = await call({ ...headers, authorization: withParameter(authorization, name, value) });
        await assertRefused(response, 'IncompleteSignatureException', `Authorization header requires '${name}' parameter.`);
      }
    });
  }

  it('refuses a Credential that is not KEY/DATE/REGION/SERVICE/aws4_request', async () => {
    const { headers, authorization } = await signed();
    const credential = parameter(authorization, 'Credential');
    const [key, date, region, name] = credential.split('/');
    for (const malformed of [`${key}/${date}/${region}/${name}`, `${key}/${date}/${region}/${name}/aws5_request`, `${credential}/extra`]) {
      const response = await call({ ...headers, authorization: withParameter(authorization, 'Credential', malformed) });
      await assertRefused(
        response,
        'IncompleteSignatureException',
        "Credential is malformed: expected 'ACCESS_KEY/DATE/REGION/SERVICE/aws4_request'.",
      );
    }
  });

  it('refuses a request without a valid X-Amz-Date header', async () => {
    const { headers } = await signed();
    const { 'x-amz-date': date, ...withoutDate } = headers;
    const words = "Authorization header requires existence of a valid 'X-Amz-Date' header.";
    await assertRefused(await call(withoutDate), 'IncompleteSignatureException', words);
    for (const invalid of [date!.slice(0, 8), `${date!.slice(0, 4)}-12-05T10:00:00Z`, '20261340T250000Z']) {
      await assertRefused(await call({ ...headers, 'x-amz-date': invalid }), 'IncompleteSignatureException', words);
    }
  });

  it('refuses a request validly signed without Host among its signed headers', async () => {
    const { headers, authorization } = await signed({ unsignable: ['host'] });
    assert.doesNotMatch(parameter(authorization, 'SignedHeaders'), /(^|;)host(;|$)/, 'the signer left Host out');
    await assertRefused(await call(headers), 'IncompleteSignatureException', "'Host' must be a 'SignedHeader' in the AWS Authorization.");
  });

  it('refuses an unknown access key', async () => {
    const { headers, authorization } = await signed();
    const credential = parameter(authorization, 'Credential').replace(/^[^/]+/, 'AKIAUNKNOWNKEY000000');
    const response = await call({ ...headers, authorization: withParameter(authorization, 'Credential', credential) });
    await assertRefused(response, 'UnrecognizedClientException', 'The security token included in the request is invalid.');
  });

  it('refuses a scope date that is not the day of X-Amz-Date', async () => {
    const { headers, authorization } = await signed();
    const [key, date, ...rest] = parameter(authorization, 'Credential').split('/');
    const dayBefore = new Date(Date.UTC(Number(date!.slice(0, 4)), Number(date!.slice(4, 6)) - 1, Number(date!.slice(6, 8)) - 1));
    const scope = dayBefore.toISOString().slice(0, 10).replaceAll('-', '');
    const response = await call({ ...headers, authorization: withParameter(authorization, 'Credential', [key, scope, ...rest].join('/')) });
    await assertRefused(
      response,
      'InvalidSignatureException',
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${scope}' != '${date}'.`,
    );
  });

  it('refuses a payload hash header that is not the body’s', async () => {
    const body = JSON.stringify({ Name: 'x', Status: 'SAVED', Content: { Template: '{}' } });
    const { headers } = await signed({ method: 'PUT', body });
    const response = await call({ ...headers, 'x-amz-content-sha256': '0'.repeat(64) }, { method: 'PUT', body });
    await assertRefused(
      response,
      'InvalidSignatureException',
      'The provided x-amz-content-sha256 header does not match what was computed.',
    );
  });

  it('refuses a signed query string that is not valid percent-encoding', async () => {
    const { headers } = await signed();
    const response = await call(headers, { query: 'maxResults=%zz' });
    await assertRefused(response, 'InvalidSignatureException', 'The request query string is not valid percent-encoding.');
  });

  it('refuses SignedHeaders naming a header the request does not carry, and any other signature', async () => {
    const mismatch =
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key ' +
      'and signing method. Consult the service documentation for details.';
    const { headers, authorization } = await signed();
    const claimed = withParameter(authorization, 'SignedHeaders', `${parameter(authorization, 'SignedHeaders')};x-not-sent`);
    await assertRefused(await call({ ...headers, authorization: claimed }), 'InvalidSignatureException', mismatch);
    const signature = parameter(authorization, 'Signature');
    const flipped = `${signature.slice(0, -1)}${signature.endsWith('0') ? '1' : '0'}`;
    for (const other of [flipped, signature.slice(0, -2), `${signature}00`]) {
      await assertRefused(
        await call({ ...headers, authorization: withParameter(authorization, 'Signature', other) }),
        'InvalidSignatureException',
        mismatch,
      );
    }
  });
});
