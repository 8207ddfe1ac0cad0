import { createHash, timingSafeEqual } from 'node:crypto';
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';

/**
 * Verifies AWS Signature Version 4 on an incoming request the way API Gateway does for AWS_IAM
 * methods: the signature is recomputed with @smithy/signature-v4 from the request as received and
 * compared in constant time. Failures carry API Gateway's error types and wording.
 *
 * Every name in a request (access key ids, header names, query names) is the caller's choice, so
 * none is ever used as a property of an ordinary object: `__proto__` is data like any other name.
 */
export interface SigV4Config {
  /** Access key id → secret access key. */
  credentials: ReadonlyMap<string, string>;
  region: string;
  /**
   * The service names a credential scope may carry. API Gateway accepts only `execute-api`; locally
   * `connect` is accepted too, because that is what the unmodified AWS CLI and SDKs sign for.
   */
  services: readonly string[];
  /** How far X-Amz-Date may be from now, either way. */
  maxSkewMs: number;
}

export interface IncomingSignedRequest {
  method: string;
  /** As on the wire: still percent-encoded. */
  rawPath: string;
  rawQuery: string;
  /** Lower-case names; read as own properties only. */
  headers: Readonly<Record<string, string | string[] | undefined>>;
  body: Buffer;
}

export type Verification = { ok: true; accessKeyId: string } | { ok: false; errorType: string; message: string };

const ALGORITHM = 'AWS4-HMAC-SHA256';

function reject(errorType: string, message: string): Verification {
  return { ok: false, errorType, message };
}

function parseAuthorization(header: string): Map<string, string> | undefined {
  if (!header.startsWith(`${ALGORITHM} `)) return undefined;
  const fields = new Map<string, string>();
  for (const part of header.slice(ALGORITHM.length + 1).split(',')) {
    const [name, ...value] = part.trim().split('=');
    if (name) fields.set(name, value.join('='));
  }
  return fields;
}

/** A header as received, or undefined: never a property inherited from Object.prototype. */
function headerOf(headers: IncomingSignedRequest['headers'], name: string): string | undefined {
  if (!Object.hasOwn(headers, name)) return undefined;
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

/** `20261127T120000Z` → Date, or undefined when malformed. */
function parseAmzDate(value: string): Date | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s] = match.map(Number) as number[];
  const date = new Date(Date.UTC(y!, mo! - 1, d!, h!, mi!, s!));
  // Date.UTC rolls month 13 or hour 25 over into a real date; a date that does not read back as sent is malformed.
  return Number.isNaN(date.getTime()) || amzDate(date) !== value ? undefined : date;
}

function amzDate(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/** Query as the signer wants it: decoded names and values, repeated names as arrays (a null-prototype object). */
export function parseQuery(rawQuery: string): Record<string, string | string[]> {
  const values = new Map<string, string[]>();
  for (const pair of rawQuery ? rawQuery.split('&') : []) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const name = decodeURIComponent(eq < 0 ? pair : pair.slice(0, eq));
    const value = eq < 0 ? '' : decodeURIComponent(pair.slice(eq + 1));
    values.set(name, [...(values.get(name) ?? []), value]);
  }
  const query: Record<string, string | string[]> = Object.create(null);
  for (const [name, list] of values) query[name] = list.length === 1 ? list[0]! : list;
  return query;
}

function sameSignature(presented: string, expected: string): boolean {
  const a = Buffer.from(presented, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

export async function verifySigV4(request: IncomingSignedRequest, config: SigV4Config, now = new Date()): Promise<Verification> {
  const header = headerOf(request.headers, 'authorization');
  if (!header) return reject('MissingAuthenticationTokenException', 'Missing Authentication Token');

  const fields = parseAuthorization(header);
  if (!fields) {
    return reject(
      'IncompleteSignatureException',
      `Authorization header requires the ${ALGORITHM} algorithm and 'Credential', 'SignedHeaders' and 'Signature' parameters.`,
    );
  }
  const missing = ['Credential', 'SignedHeaders', 'Signature'].filter((name) => !fields.get(name));
  if (missing.length > 0) {
    return reject('IncompleteSignatureException', missing.map((name) => `Authorization header requires '${name}' parameter.`).join(' '));
  }
  const credential = fields.get('Credential')!.split('/');
  if (credential.length !== 5 || credential[4] !== 'aws4_request') {
    return reject('IncompleteSignatureException', `Credential is malformed: expected 'ACCESS_KEY/DATE/REGION/SERVICE/aws4_request'.`);
  }
  const [accessKeyId, scopeDate, region, service] = credential as [string, string, string, string];
  const dateHeader = headerOf(request.headers, 'x-amz-date');
  const signingDate = dateHeader ? parseAmzDate(dateHeader) : undefined;
  if (!signingDate) {
    return reject('IncompleteSignatureException', "Authorization header requires existence of a valid 'X-Amz-Date' header.");
  }
  const signedHeaders = fields.get('SignedHeaders')!.split(';');
  if (!signedHeaders.includes('host')) {
    return reject('IncompleteSignatureException', "'Host' must be a 'SignedHeader' in the AWS Authorization.");
  }

  const secret = config.credentials.get(accessKeyId);
  if (secret === undefined) return reject('UnrecognizedClientException', 'The security token included in the request is invalid.');
  if (!config.services.includes(service)) {
    return reject(
      'InvalidSignatureException',
      `Credential should be scoped to correct service: ${config.services.map((name) => `'${name}'`).join(' or ')}.`,
    );
  }
  if (region !== config.region) {
    // API Gateway names only the region it got; locally the one expected is worth saying too.
    return reject(
      'InvalidSignatureException',
      `Credential should be scoped to a valid region, not '${region}'. This service takes signatures for ` +
        `'${config.region}' (the region it was started with).`,
    );
  }
  if (scopeDate !== dateHeader!.slice(0, 8)) {
    return reject(
      'InvalidSignatureException',
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${scopeDate}' != ` +
        `'${dateHeader!.slice(0, 8)}'.`,
    );
  }
  const skew = signingDate.getTime() - now.getTime();
  if (skew < -config.maxSkewMs) {
    const earliest = amzDate(new Date(now.getTime() - config.maxSkewMs));
    return reject(
      'InvalidSignatureException',
      `Signature expired: ${dateHeader} is now earlier than ${earliest} (${amzDate(now)} - 5 min.)`,
    );
  }
  if (skew > config.maxSkewMs) {
    const latest = amzDate(new Date(now.getTime() + config.maxSkewMs));
    return reject(
      'InvalidSignatureException',
      `Signature not yet current: ${dateHeader} is still later than ${latest} (${amzDate(now)} + 5 min.)`,
    );
  }

  // The JS SDK sends the payload hash as a header (and signs it); boto3 does not. Either way the
  // body must be the one that was signed, so a stated hash is checked against the real one.
  const payloadHash = createHash('sha256').update(request.body).digest('hex');
  const statedHash = headerOf(request.headers, 'x-amz-content-sha256');
  if (statedHash !== undefined && statedHash !== payloadHash) {
    return reject('InvalidSignatureException', 'The provided x-amz-content-sha256 header does not match what was computed.');
  }

  const headers: Record<string, string> = Object.create(null);
  for (const name of signedHeaders) {
    const value = headerOf(request.headers, name);
    if (value !== undefined) headers[name] = value;
  }
  const hostHeader = headerOf(headers, 'host') ?? '';
  const sessionToken = headerOf(headers, 'x-amz-security-token');
  const signer = new SignatureV4({
    credentials: { accessKeyId, secretAccessKey: secret, ...(sessionToken ? { sessionToken } : {}) },
    region,
    service,
    sha256: Sha256,
    applyChecksum: false,
  });
  let query: Record<string, string | string[]>;
  try {
    query = parseQuery(request.rawQuery);
  } catch {
    return reject('InvalidSignatureException', 'The request query string is not valid percent-encoding.');
  }
  const signed = await signer.sign(
    {
      method: request.method,
      protocol: 'http:',
      hostname: hostHeader.replace(/:\d+$/, ''),
      path: request.rawPath,
      query,
      headers,
      body: request.body.length > 0 ? request.body : undefined,
    },
    { signingDate, signableHeaders: new Set(signedHeaders) },
  );
  const computed = /Signature=([0-9a-f]+)/.exec(String(signed.headers['authorization']))?.[1] ?? '';
  const computedSignedHeaders = /SignedHeaders=([^,]+)/.exec(String(signed.headers['authorization']))?.[1] ?? '';
  if (computedSignedHeaders !== signedHeaders.join(';') || !sameSignature(fields.get('Signature')!, computed)) {
    return reject(
      'InvalidSignatureException',
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key ' +
        'and signing method. Consult the service documentation for details.',
    );
  }
  return { ok: true, accessKeyId };
}
