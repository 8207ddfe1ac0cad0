import { PageTokenRejected, PageTokens } from '#domain/pagination.ts';
import type { PageTokenKeys, PageTokenKeySource } from '../page-token-keys.ts';

/**
 * Where NextToken keys come from: a fixed secret never changes; keys read from a source (a Secrets
 * Manager secret) are cached by the source, and the PageTokens built from them are kept while they
 * stay the same.
 */
export interface PageTokenSupply {
  current(): Promise<PageTokens>;
  /** Tokens from freshly read keys, or undefined when the keys did not change. */
  refreshed(): Promise<PageTokens | undefined>;
}

export function pageTokenSupply(secret: string | PageTokenKeySource): PageTokenSupply {
  if (typeof secret === 'string') {
    const fixed = new PageTokens(secret);
    return { current: async () => fixed, refreshed: async () => undefined };
  }
  let built: { keys: PageTokenKeys; tokens: PageTokens } | undefined;
  const tokensFor = (keys: PageTokenKeys) => {
    if (built?.keys.current !== keys.current || built.keys.previous !== keys.previous)
      built = { keys, tokens: new PageTokens(keys.current, keys.previous) };
    return built.tokens;
  };
  return {
    current: async () => tokensFor(await secret.keys()),
    refreshed: async () => {
      const before = built?.tokens;
      const after = tokensFor(await secret.keys({ refresh: true }));
      return after === before ? undefined : after;
    },
  };
}

/**
 * The NextTokens of one request, with the keys read only when a listing needs them. A token that
 * another instance signed right after a key rotation fails under the keys this one holds: opening
 * it then reads the keys again (rate-limited by the source) and tries once more, in place, so no
 * operation ever runs twice. Tokens are issued with the keys the request ended with.
 */
export class RequestPageTokens {
  readonly #supply: PageTokenSupply;
  #tokens: PageTokens | undefined;

  constructor(supply: PageTokenSupply) {
    this.#supply = supply;
  }

  async #current(): Promise<PageTokens> {
    this.#tokens ??= await this.#supply.current();
    return this.#tokens;
  }

  /** The position a token carries, for this very listing; InvalidParameterException (PageTokenRejected) otherwise. */
  async open(scope: string, token: string): Promise<string> {
    const tokens = await this.#current();
    try {
      return tokens.open(scope, token);
    } catch (error) {
      if (!(error instanceof PageTokenRejected)) throw error;
      const refreshed = await this.#supply.refreshed();
      if (!refreshed) throw error;
      this.#tokens = refreshed;
      return refreshed.open(scope, token);
    }
  }

  async issue(scope: string, position: string): Promise<string> {
    return (await this.#current()).issue(scope, position);
  }
}
