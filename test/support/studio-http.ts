import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';

/**
 * Raw HTTP to the studio, any header forgeable (fetch refuses to set Host, Origin and the like):
 * what a hostile page, a rebound DNS name or a curl would send.
 */
export interface RawAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  json: () => Record<string, unknown>;
}

export function raw(
  port: number,
  options: { method?: string; path?: string; headers?: Record<string, string | undefined>; body?: string } = {},
): Promise<RawAnswer> {
  const headers = Object.fromEntries(
    Object.entries({ host: `127.0.0.1:${port}`, ...options.headers }).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, method: options.method ?? 'GET', path: options.path ?? '/', headers, setHost: false },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: response.statusCode!, headers: response.headers, text, json: () => JSON.parse(text) });
        });
        response.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** What the page has after its first load: the cookie and the CSRF token from its HTML. */
export async function session(studioUrl: string): Promise<{ port: number; cookie: string; csrf: string }> {
  const url = new URL(studioUrl);
  const port = Number(url.port);
  const first = await raw(port, { path: `${url.pathname}${url.search}` });
  if (first.status !== 303) throw new Error(`the first load answered ${first.status}, not 303`);
  const cookie = String(first.headers['set-cookie']?.[0] ?? '').split(';')[0]!;
  const page = await raw(port, { headers: { cookie } });
  const csrf = /<meta name="csrf-token" content="([^"]+)"/.exec(page.text)?.[1];
  if (!csrf) throw new Error('the page holds no CSRF token');
  return { port, cookie, csrf };
}
