/**
 * Substring search in time linear in the text and the pattern (Knuth–Morris–Pratt). The engine's
 * own `String.prototype.includes` has no documented bound, and on some patterns of a few hundred
 * characters it takes time proportional to their product (about 1 ms for one 4,096-character
 * description), which a search of many such conditions over many views multiplies into seconds.
 */
export function containsMatcher(pattern: string): (text: string) => boolean {
  if (pattern.length === 0) return () => true;
  // fallback[i]: length of the longest proper prefix of pattern[0..i] that is also its suffix.
  const fallback = new Int32Array(pattern.length);
  for (let i = 1, k = 0; i < pattern.length; i++) {
    while (k > 0 && pattern.charCodeAt(i) !== pattern.charCodeAt(k)) k = fallback[k - 1]!;
    if (pattern.charCodeAt(i) === pattern.charCodeAt(k)) k++;
    fallback[i] = k;
  }
  return (text) => {
    for (let i = 0, k = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      while (k > 0 && code !== pattern.charCodeAt(k)) k = fallback[k - 1]!;
      if (code === pattern.charCodeAt(k) && ++k === pattern.length) return true;
    }
    return false;
  };
}
