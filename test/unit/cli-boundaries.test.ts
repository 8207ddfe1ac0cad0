import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, it } from 'node:test';

/**
 * The views-as-code tool talks to Connect only through @aws-sdk/client-connect: it must work against
 * Amazon Connect itself, so it may not import the service (lambda/), the emulator or the CDK (lib/).
 */
const ALLOWED_PACKAGES = ['@aws-sdk/client-connect', 'commander', 'picocolors', 'microdiff'];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sources(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

function importsOf(text: string): string[] {
  const specifiers = [...text.matchAll(/(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)];
  return specifiers.map((match) => match[1] ?? match[2]!);
}

describe('cli/ boundaries', () => {
  const files = [...sources('cli'), 'bin/connect-views.ts'];

  it('imports only its own modules, Node built-ins and the packages it is allowed', () => {
    assert.ok(files.length > 5);
    for (const file of files) {
      for (const specifier of importsOf(readFileSync(file, 'utf8'))) {
        const ok =
          specifier.startsWith('node:') ||
          ALLOWED_PACKAGES.includes(specifier) ||
          // Relative imports stay inside cli/ (the studio, in cli/studio/, imports the library from ../).
          (specifier.startsWith('.') && normalize(join(dirname(file), specifier)).startsWith('cli/')) ||
          (file.startsWith('bin/') && specifier.startsWith('../cli/'));
        assert.ok(ok, `${file} imports ${specifier}`);
      }
    }
  });

  it('the check catches an import of the service, the emulator or a subpath alias', () => {
    for (const bad of [
      "import { x } from '../lambda/domain/content.ts';",
      "import type { y } from '#domain/model.ts';",
      "await import('../emulator/index.ts')",
    ]) {
      const [specifier] = importsOf(bad);
      assert.ok(specifier && !specifier.startsWith('./') && !ALLOWED_PACKAGES.includes(specifier), bad);
    }
  });
});
