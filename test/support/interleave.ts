import type { ViewStore, WriteKind } from '#store/view-store.ts';

/**
 * Makes `during` happen exactly between an operation's read and its write: the next time the store
 * is about to send a change of `kind`, it runs `during` first (once; the requests `during` makes
 * write unhindered). The operation then commits on what it read before `during` changed it, and
 * only its conditions stand between it and a wrong result.
 */
export function interleave(store: ViewStore, kind: WriteKind, during: () => Promise<unknown>): { readonly ran: boolean } {
  let ran = false;
  store.hooks.beforeWrite = async (writing) => {
    if (writing !== kind || ran) return;
    ran = true;
    store.hooks.beforeWrite = undefined;
    await during();
  };
  return {
    get ran() {
      return ran;
    },
  };
}
