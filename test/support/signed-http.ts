import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import type { LocalService } from '../../emulator/service.ts';

/**
 * Raw HTTP against the local gateway, signed like an SDK would (or deliberately not), for what
 * the SDKs cannot send: malformed JSON, unknown routes, odd paths, tampered requests.
 */
export interface RawRequest {
  method: string;
  /** Already percent-encoded, as it goes on the wire. */
  path: string;
  query?: Record<string, string | string[]>;
  body?: string | Buffer;
  headers?: Record<string, string>;
}

export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
  json: Record<string, unknown> | undefined;
}

export interface SigningOverrides {
  accessKeyId?: string;
  secretAccessKey?: string;
  region?: string;
  service?: string;
  signingDate?: Date;
  /** Sends the payload hash header as the JS SDK does (true) or leaves it out as boto3 does. */
  contentSha256Header?: boolean;
}

export async function signRequest(service: LocalService, request: RawRequest, overrides: SigningOverrides = {}) {
  const url = new URL(service.url);
  const signer = new SignatureV4({
    credentials: {
      accessKeyId: overrides.accessKeyId ?? service.accessKeyId,
      secretAccessKey: overrides.secretAccessKey ?? service.secretAccessKey,
    },
    region: overrides.region ?? service.region,
    service: overrides.service ?? 'execute-api',
    sha256: Sha256,
    applyChecksum: overrides.contentSha256Header ?? true,
    // The path arrives already encoded; the signer encodes it once more, as the SDKs do.
    uriEscapePath: true,
  });
  return signer.sign(
    {
      method: request.method,
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path: request.path,
      query: request.query ?? {},
      headers: { host: url.host, ...(request.body !== undefined ? { 'content-type': 'application/json' } : {}), ...request.headers },
      body: request.body,
    },
    { signingDate: overrides.signingDate ?? new Date() },
  );
}

function queryString(query: Record<string, string | string[]> = {}): string {
  const parts: string[] = [];
  for (const [name, value] of Object.entries(query)) {
    for (const item of Array.isArray(value) ? value : [value]) parts.push(`${encodeURIComponent(name)}=${encodeURIComponent(item)}`);
  }
  return parts.length ? `?${parts.join('&')}` : '';
}

export async function send(
  service: LocalService,
  request: RawRequest,
  options: {
    sign?: boolean;
    overrides?: SigningOverrides;
    tamper?: (headers: Record<string, string>) => Record<string, string>;
    body?: string | Buffer;
  } = {},
): Promise<RawResponse> {
  let headers: Record<string, string> = { ...(request.headers ?? {}) };
  if (options.sign !== false) {
    const signed = await signRequest(service, request, options.overrides);
    headers = Object.fromEntries(Object.entries(signed.headers).map(([k, v]) => [k, String(v)]));
  }
  if (options.tamper) headers = options.tamper(headers);
  delete headers['host'];
  const response = await fetch(`${service.url}${request.path}${queryString(request.query)}`, {
    method: request.method,
    headers,
    ...((options.body ?? request.body) !== undefined ? { body: options.body ?? request.body } : {}),
  });
  const text = await response.text();
  let json: Record<string, unknown> | undefined;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}
