import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A Secrets Manager endpoint that answers GetSecretValue for one secret from its version stages,
 * as the service does (ResourceNotFoundException for a stage no version carries), and counts the
 * reads per stage. Enough to drive the real SDK client and Powertools against it.
 */
export class FakeSecretsManager {
  readonly stages = new Map<string, string>();
  readonly reads: string[] = [];
  /** A stage whose reads fail: with an error type and status, or by never answering (`hang`). */
  readonly failures = new Map<string, { type: string; status: number } | 'hang'>();
  readonly secretId: string;
  #server: Server | undefined;

  constructor(secretId: string) {
    this.secretId = secretId;
  }

  /** What `aws secretsmanager put-secret-value` does: the new value becomes current, the old one previous. */
  rotate(value: string) {
    const current = this.stages.get('AWSCURRENT');
    if (current !== undefined) this.stages.set('AWSPREVIOUS', current);
    this.stages.set('AWSCURRENT', value);
  }

  async start(): Promise<string> {
    this.#server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        const input = JSON.parse(body || '{}') as { SecretId?: string; VersionStage?: string };
        const stage = input.VersionStage ?? 'AWSCURRENT';
        this.reads.push(stage);
        const value = input.SecretId === this.secretId ? this.stages.get(stage) : undefined;
        response.setHeader('content-type', 'application/x-amz-json-1.1');
        const failure = this.failures.get(stage);
        if (failure === 'hang') return;
        if (failure) {
          response.statusCode = failure.status;
          response.end(JSON.stringify({ __type: failure.type, message: `injected: ${failure.type}` }));
          return;
        }
        if (value === undefined) {
          response.statusCode = 400;
          response.end(
            JSON.stringify({
              __type: 'ResourceNotFoundException',
              message: `Secrets Manager can't find the specified secret value for staging label: ${stage}`,
            }),
          );
          return;
        }
        response.end(
          JSON.stringify({
            ARN: this.secretId,
            Name: 'page-tokens',
            SecretString: value,
            VersionId: `v-${value.length}`,
            VersionStages: [stage],
          }),
        );
      });
    });
    await new Promise<void>((resolve) => this.#server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.#server!.address() as AddressInfo).port}`;
  }

  async stop() {
    this.#server?.closeAllConnections();
    await new Promise<void>((resolve) => this.#server?.close(() => resolve()));
  }
}

export function clientConfigFor(endpoint: string) {
  return { endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 };
}
