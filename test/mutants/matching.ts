/**
 * Where a mutant's text stands in a source file, read the way a formatter leaves code: runs of
 * white space (line breaks included) match any other run or none, and a trailing comma may stand
 * before a closing bracket. So a mutant names code, not its layout, and a reformat never stales it.
 */
function pattern(find: string): RegExp {
  let source = '';
  for (const char of find.trim()) {
    if (/\s/.test(char)) {
      if (!source.endsWith('\\s*')) source += '\\s*';
      continue;
    }
    if (')]}'.includes(char)) source += ',?\\s*';
    source += char.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(source, 'g');
}

export interface Location {
  index: number;
  length: number;
}

export function locate(text: string, find: string): Location[] {
  return [...text.matchAll(pattern(find))].map((match) => ({ index: match.index, length: match[0].length }));
}

/** The text with the one occurrence of `find` replaced; throws unless it occurs exactly once. */
export function replaceOnce(text: string, find: string, replace: string): string {
  const found = locate(text, find);
  if (found.length !== 1) throw new Error(`expected the text once, found it ${found.length} times: ${find.slice(0, 80)}`);
  const [{ index, length }] = found as [Location];
  return text.slice(0, index) + replace + text.slice(index + length);
}

/** The line (1-based) an index of the text stands on. */
export function lineOf(text: string, index: number): number {
  return text.slice(0, index).split('\n').length;
}
