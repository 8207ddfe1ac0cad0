import { readFileSync } from 'node:fs';

/**
 * The code blocks of a Markdown file, so that tests run the examples users copy: an example whose
 * first line is a comment naming a file (`// views.test.mjs — …`, `# test_views.py — …`) can be
 * looked up by that name.
 */
export interface CodeBlock {
  language: string;
  code: string;
}

export function codeBlocks(markdownFile: string): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  const fence = /^```(\w*)\n([\s\S]*?)^```$/gm;
  for (const match of readFileSync(markdownFile, 'utf8').matchAll(fence)) blocks.push({ language: match[1]!, code: match[2]! });
  return blocks;
}

export function example(markdownFile: string, name: string): string {
  const found = codeBlocks(markdownFile).find((block) => new RegExp(`^(//|#) ${name.replace(/\./g, '\\.')}\\b`).test(block.code));
  if (!found) throw new Error(`${markdownFile} has no example named ${name}`);
  return found.code;
}
