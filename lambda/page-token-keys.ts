import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { SecretsManagerClient, type SecretsManagerClientConfig } from '@aws-sdk/client-secrets-manager';
import { AWS_CLIENT_DEFAULTS } from './aws-clients.ts';

/** The HMAC keys of NextTokens: the current one signs, both verify. */
export interface PageTokenKeys {
  current: string;
  previous?: string;
}

/** Where the keys come from when they are not fixed: read before each request, cached between. */
export interface PageTokenKeySource {
  /**
   * The keys; `refresh` asks for a fresh read (a token failed under the cached keys and may have
   * been issued by an instance that already read a rotated secret). Refreshes are rate-limited.
   */
  keys(options?: { refresh?: boolean }): Promise<PageTokenKeys>;
}

export interface SecretPageTokenKeysOptions {
  /** How long a read value is used before it is read again (default 5 minutes). */
  maxAgeSeconds?: number;
  /** The shortest time between two forced refreshes (default 30 s), so bad tokens cannot drive reads. */
  minRefreshIntervalSeconds?: number;
  clientConfig?: SecretsManagerClientConfig;
  now?: () => number;
}

const isNotFound = (error: unknown): boolean => (error as { cause?: { name?: string } })?.cause?.name === 'ResourceNotFoundException';

/**
 * The keys from a Secrets Manager secret, with Powertools Parameters: `AWSCURRENT` signs and
 * verifies, `AWSPREVIOUS` (the value before the last rotation; absent until the first) still
 * verifies. One provider per version stage because Powertools caches by name and transform, not
 * by version stage; both share one client.
 */
export class SecretPageTokenKeys implements PageTokenKeySource {
  readonly #secretId: string;
  readonly #maxAge: number;
  readonly #minRefreshIntervalMs: number;
  readonly #now: () => number;
  readonly #current: SecretsProvider;
  readonly #previous: SecretsProvider;
  #previousMissingUntil = 0;
  #lastForcedRead = Number.NEGATIVE_INFINITY;

  constructor(secretId: string, options: SecretPageTokenKeysOptions = {}) {
    this.#secretId = secretId;
    this.#maxAge = options.maxAgeSeconds ?? 300;
    this.#minRefreshIntervalMs = (options.minRefreshIntervalSeconds ?? 30) * 1000;
    this.#now = options.now ?? Date.now;
    const client = new SecretsManagerClient({ ...AWS_CLIENT_DEFAULTS, ...options.clientConfig });
    this.#current = new SecretsProvider({ awsSdkV3Client: client });
    this.#previous = new SecretsProvider({ awsSdkV3Client: client });
  }

  async keys(options: { refresh?: boolean } = {}): Promise<PageTokenKeys> {
    const now = this.#now();
    const forceFetch = options.refresh === true && now - this.#lastForcedRead >= this.#minRefreshIntervalMs;
    if (forceFetch) {
      this.#lastForcedRead = now;
      this.#previousMissingUntil = 0;
    }
    const [current, previous] = await Promise.all([
      this.#read(this.#current, 'AWSCURRENT', forceFetch),
      this.#readPrevious(forceFetch, now),
    ]);
    if (current === undefined) throw new Error(`the secret ${this.#secretId} has no AWSCURRENT string value`);
    return previous === undefined ? { current } : { current, previous };
  }

  async #read(provider: SecretsProvider, stage: 'AWSCURRENT' | 'AWSPREVIOUS', forceFetch: boolean): Promise<string | undefined> {
    const value = await provider.get(this.#secretId, { maxAge: this.#maxAge, forceFetch, sdkOptions: { VersionStage: stage } });
    if (value !== undefined && typeof value !== 'string')
      throw new Error(`the secret ${this.#secretId} holds binary data, not a key string`);
    return value;
  }

  /** Powertools caches no absence, so a secret never rotated would be asked again on every request. */
  async #readPrevious(forceFetch: boolean, now: number): Promise<string | undefined> {
    if (now < this.#previousMissingUntil) return undefined;
    try {
      return await this.#read(this.#previous, 'AWSPREVIOUS', forceFetch);
    } catch (error) {
      if (!isNotFound(error)) throw error;
      this.#previousMissingUntil = now + this.#maxAge * 1000;
      return undefined;
    }
  }
}
