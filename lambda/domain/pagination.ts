import { createHmac, timingSafeEqual } from 'node:crypto';
import { InvalidParameterException } from './errors.ts';

/**
 * NextTokens are opaque and tamper-evident: `base64url(position).base64url(HMAC-SHA256)`, where the
 * MAC also covers the listing the token was issued for (operation, instance, view, filter). A token
 * that was altered, forged or issued for another listing fails with InvalidParameterException.
 */
export class PageTokens {
  readonly #key: Buffer;

  constructor(secret: string) {
    if (secret.length < 16) throw new Error('the pagination token secret must have at least 16 characters');
    this.#key = Buffer.from(secret, 'utf8');
  }

  #mac(scope: string, position: string): Buffer {
    return createHmac('sha256', this.#key).update(`v1\n${scope}\n${position}`).digest();
  }

  issue(scope: string, position: string): string {
    return `${Buffer.from(position, 'utf8').toString('base64url')}.${this.#mac(scope, position).toString('base64url')}`;
  }

  /** The position a token carries, once it is proven to be ours and for this very listing. */
  open(scope: string, token: string): string {
    const [encodedPosition, encodedMac, ...rest] = token.split('.');
    if (encodedPosition && encodedMac && rest.length === 0) {
      const position = Buffer.from(encodedPosition, 'base64url').toString('utf8');
      const presented = Buffer.from(encodedMac, 'base64url');
      const expected = this.#mac(scope, position);
      if (
        presented.length === expected.length &&
        timingSafeEqual(presented, expected) &&
        Buffer.from(position, 'utf8').toString('base64url') === encodedPosition
      ) {
        return position;
      }
    }
    throw new InvalidParameterException('Invalid parameter NextToken: it was not issued by this service for this listing.');
  }
}
