import { createHmac, timingSafeEqual } from 'node:crypto';
import { InvalidParameterException } from './errors.ts';

/** A NextToken this service did not issue for the listing it was presented to. */
export class PageTokenRejected extends InvalidParameterException {
  constructor() {
    super('Invalid parameter NextToken: it was not issued by this service for this listing.');
  }
}

/**
 * NextTokens are opaque and tamper-evident: `base64url(position).base64url(HMAC-SHA256)`, where the
 * MAC also covers the listing the token was issued for (operation, instance, view, filter). A token
 * that was altered, forged or issued for another listing fails with InvalidParameterException.
 *
 * Tokens are issued with the current key and accepted with the current or the previous one, so a
 * key rotation does not break the listings that callers are paging through.
 */
export class PageTokens {
  readonly #current: Buffer;
  readonly #previous: Buffer | undefined;

  constructor(current: string, previous?: string) {
    this.#current = PageTokens.#key(current);
    this.#previous = previous === undefined || previous === current ? undefined : PageTokens.#key(previous);
  }

  static #key(secret: string): Buffer {
    if (secret.length < 16) throw new Error('the pagination token secret must have at least 16 characters');
    return Buffer.from(secret, 'utf8');
  }

  static #mac(key: Buffer, scope: string, position: string): Buffer {
    return createHmac('sha256', key).update(`v1\n${scope}\n${position}`).digest();
  }

  issue(scope: string, position: string): string {
    const mac = PageTokens.#mac(this.#current, scope, position);
    return `${Buffer.from(position, 'utf8').toString('base64url')}.${mac.toString('base64url')}`;
  }

  /** The position a token carries, once it is proven to be ours and for this very listing. */
  open(scope: string, token: string): string {
    const [encodedPosition, encodedMac, ...rest] = token.split('.');
    if (encodedPosition && encodedMac && rest.length === 0) {
      const position = Buffer.from(encodedPosition, 'base64url').toString('utf8');
      const presented = Buffer.from(encodedMac, 'base64url');
      const signedWith = (key: Buffer) => {
        const expected = PageTokens.#mac(key, scope, position);
        return presented.length === expected.length && timingSafeEqual(presented, expected);
      };
      if (
        (signedWith(this.#current) || (this.#previous !== undefined && signedWith(this.#previous))) &&
        Buffer.from(position, 'utf8').toString('base64url') === encodedPosition
      ) {
        return position;
      }
    }
    throw new PageTokenRejected();
  }
}
