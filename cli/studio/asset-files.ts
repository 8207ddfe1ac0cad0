import { readFile } from 'node:fs/promises';

/**
 * The page's files (index.html, app.js, studio.css) as they stand in assets/ beside this module.
 * The package build (scripts/build-package.ts) replaces this module with one that holds the files'
 * bytes, so the bundled command finds its page wherever npm installs it.
 */
export function readAssetFile(file: string): Promise<Buffer> {
  return readFile(new URL(`./assets/${file}`, import.meta.url));
}
