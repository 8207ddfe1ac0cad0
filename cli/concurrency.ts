/**
 * Runs `work` over `items` with at most `limit` at a time, results in the items' order. Every item
 * runs even when some fail: one view's failure must not leave the others unapplied.
 */
export async function mapLimit<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!, index);
    }
  });
  await Promise.all(workers);
  return results;
}

export type Settled<R> = { ok: true; value: R } | { ok: false; error: unknown };

/** mapLimit that keeps going past failures and reports each item's outcome. */
export function settleLimit<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<Settled<R>[]> {
  return mapLimit(items, limit, async (item, index) => {
    try {
      return { ok: true as const, value: await work(item, index) };
    } catch (error) {
      return { ok: false as const, error };
    }
  });
}
