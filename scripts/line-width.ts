import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * Part of `npm run lint`: no source line wider than the formatter's line width. Biome wraps code,
 * but not a long string or comment; this catches those. Reads the width from biome.json.
 */
const width = (JSON.parse(readFileSync('biome.json', 'utf8')) as { formatter: { lineWidth: number } }).formatter.lineWidth;
const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '*.ts', '*.mjs', '*.js'], { encoding: 'utf8' })
  .split('\n')
  .filter(Boolean);
const wide: string[] = [];
for (const file of files) {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    continue; // deleted in the working tree
  }
  text.split('\n').forEach((line, index) => {
    if (line.length > width) wide.push(`${file}:${index + 1}: ${line.length} characters`);
  });
}
if (wide.length > 0) {
  console.error(`${wide.length} lines are wider than ${width} characters:\n${wide.join('\n')}`);
  process.exit(1);
}
console.log(`No line wider than ${width} characters in ${files.length} files.`);
