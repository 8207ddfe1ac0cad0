import { TOKEN_HEADER } from '../../cli/studio/guards.ts';
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

/**
 * What the page has after its first load: the token from the printed address's fragment, sent in
 * the studio's header (as the page's script sends it), and the port.
 */
export function session(studioUrl: string): { port: number; token: string; auth: Record<string, string> } {
  const url = new URL(studioUrl);
  const token = /^#token=([A-Za-z0-9_-]{43})$/.exec(url.hash)?.[1];
  if (!token) throw new Error(`no token in the fragment of ${studioUrl}`);
  return { port: Number(url.port), token, auth: { [TOKEN_HEADER]: token } };
}
