import type { ViewHead } from '#domain/view.ts';
import type { WriteKind } from '#store/view-store.ts';

/**
 * Makes a request happen exactly between an operation's read and its write. Give `hook` to the
 * service (`beforeWrite`); then `next(kind, during)`: the next time the store is about to send a
 * change of `kind`, it runs `during` first (once; the requests `during` makes write unhindered). The
 * operation then commits on what it read before `during` changed it, and only its conditions stand
 * between it and a wrong result.
 */
export class Interleaver {
  #pending: { kind: WriteKind; during: () => Promise<unknown>; ran: boolean } | undefined;

  readonly hook = async (writing: WriteKind, _head: ViewHead | undefined): Promise<void> => {
    const pending = this.#pending;
    if (!pending || writing !== pending.kind) return;
    this.#pending = undefined;
    pending.ran = true;
    await pending.during();
  };

  next(kind: WriteKind, during: () => Promise<unknown>): { readonly ran: boolean } {
    const pending = { kind, during, ran: false };
    this.#pending = pending;
    return pending;
  }
}
