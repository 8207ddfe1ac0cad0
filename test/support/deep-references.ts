import { prepareContent } from '#domain/content.ts';

/**
 * A template of `count` input references 32 segments deep: each asks for an InputSchema about 15
 * times its own size, the way to content whose responses would outgrow what Lambda may return.
 */
export function deepReferences(count: number): string {
  return JSON.stringify({ refs: Array.from({ length: count }, (_, i) => `$.a${i}${'.y'.repeat(31)}`) });
}

/** The most such references content may have, found by bisection on the service's own check. */
export function largestAcceptedDeepReferences(): number {
  let [low, high] = [1, 6000];
  while (low + 1 < high) {
    const middle = Math.floor((low + high) / 2);
    try {
      prepareContent({ Template: deepReferences(middle), Actions: ['Submit'] }, 'PUBLISHED');
      low = middle;
    } catch {
      high = middle;
    }
  }
  return low;
}
