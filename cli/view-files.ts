import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isPlainObject, prettyJson } from './json.ts';
import { compareText, sameContent, type ViewContentData, type ViewSnapshot } from './view-content.ts';

/**
 * The on-disk form of a view (`<safe-name>.view.json`): what `pull` writes and `plan`/`apply`/`lint`
 * read. Deterministic: the same view always gives the same bytes, so git shows only real changes.
 */
export interface ViewFile {
  name: string;
  description?: string;
  /** Only for AWS-managed views pulled with --include-aws-managed: plan and apply leave those alone. */
  type?: 'AWS_MANAGED';
  /** `$LATEST`, the published content; absent for a view that was only ever saved. */
  actions?: string[];
  template?: unknown;
  /** `$SAVED`, only when it differs from `$LATEST`: an unpublished draft. */
  draft?: ViewContentData;
  tags: Record<string, string>;
}

export const VIEW_FILE_SUFFIX = '.view.json';

export class ViewFileError extends Error {
  override name = 'ViewFileError';
}

/** The members a view file may have, in the order they are written. */
export const VIEW_FILE_KEYS = ['name', 'description', 'type', 'actions', 'template', 'draft', 'tags'] as const;

function sortedTags(tags: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.keys(tags)
      .sort(compareText)
      .map((key) => [key, tags[key]!]),
  );
}

function draftForFile(draft: ViewContentData): Record<string, unknown> {
  return {
    actions: draft.actions,
    ...(draft.template !== undefined ? { template: draft.template } : {}),
    ...(draft.templateText !== undefined ? { templateText: draft.templateText } : {}),
  };
}

/**
 * Members in a fixed order and tags sorted (their order means nothing); the template keeps the key
 * order it was written with (it is stable, and the author's order reads best); 2-space JSON and a
 * trailing newline.
 */
export function serializeViewFile(file: ViewFile): string {
  const ordered: Record<string, unknown> = { name: file.name };
  if (file.description !== undefined) ordered['description'] = file.description;
  if (file.type !== undefined) ordered['type'] = file.type;
  if (file.actions !== undefined) ordered['actions'] = file.actions;
  if (file.template !== undefined) ordered['template'] = file.template;
  if (file.draft !== undefined) ordered['draft'] = draftForFile(file.draft);
  ordered['tags'] = sortedTags(file.tags);
  return prettyJson(ordered);
}

/**
 * A file's text as a ViewFile. Only the shape needed to act on it is checked here (what the API
 * would refuse is `lint`'s job, which reports every finding rather than the first).
 */
export function parseViewFile(text: string, source = 'view file'): ViewFile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ViewFileError(`${source}: not JSON (${(error as Error).message})`);
  }
  if (!isPlainObject(value)) throw new ViewFileError(`${source}: must hold a JSON object`);
  if (typeof value['name'] !== 'string') throw new ViewFileError(`${source}: "name" must be a string`);
  const strings = (list: unknown, what: string): string[] => {
    if (!Array.isArray(list) || list.some((item) => typeof item !== 'string'))
      throw new ViewFileError(`${source}: ${what} must be a list of strings`);
    return list as string[];
  };
  const file: ViewFile = { name: value['name'], tags: {} };
  if (value['description'] !== undefined) {
    if (typeof value['description'] !== 'string') throw new ViewFileError(`${source}: "description" must be a string`);
    file.description = value['description'];
  }
  if (value['type'] !== undefined) {
    if (value['type'] !== 'AWS_MANAGED') throw new ViewFileError(`${source}: "type" may only be "AWS_MANAGED"`);
    file.type = 'AWS_MANAGED';
  }
  if (value['actions'] !== undefined) file.actions = strings(value['actions'], '"actions"');
  if (value['template'] !== undefined) {
    file.template = value['template'];
    file.actions ??= [];
  }
  if (value['draft'] !== undefined) {
    const draft = value['draft'];
    if (!isPlainObject(draft)) throw new ViewFileError(`${source}: "draft" must be an object`);
    file.draft = { actions: draft['actions'] === undefined ? [] : strings(draft['actions'], '"draft.actions"') };
    if (draft['template'] !== undefined) file.draft.template = draft['template'];
    if (typeof draft['templateText'] === 'string') file.draft.templateText = draft['templateText'];
  }
  if (file.template === undefined && file.draft === undefined) throw new ViewFileError(`${source}: needs a "template" (or a "draft")`);
  if (value['tags'] !== undefined) {
    const tags = value['tags'];
    if (!isPlainObject(tags) || Object.values(tags).some((tag) => typeof tag !== 'string')) {
      throw new ViewFileError(`${source}: "tags" must map keys to strings`);
    }
    file.tags = { ...(tags as Record<string, string>) };
  }
  return file;
}

/** The published content a file asks for, or undefined when it holds only a draft. */
export function publishedContent(file: ViewFile): ViewContentData | undefined {
  return file.template === undefined ? undefined : { template: file.template, actions: file.actions ?? [] };
}

/** What `$SAVED` should hold: the draft when there is one, else the published content. */
export function savedContent(file: ViewFile): ViewContentData {
  return file.draft ?? publishedContent(file)!;
}

/** A view as read from Connect (`$LATEST`, `$SAVED`) in its file form. */
export function viewFileFromSnapshots(latest: ViewSnapshot | undefined, saved: ViewSnapshot | undefined): ViewFile {
  const head = latest ?? saved;
  if (!head) throw new Error('a view file needs $LATEST or $SAVED');
  const file: ViewFile = { name: head.name, tags: { ...(saved ?? head).tags, ...head.tags } };
  if (head.description !== undefined) file.description = head.description;
  if (head.type === 'AWS_MANAGED') file.type = 'AWS_MANAGED';
  if (latest) {
    file.actions = latest.content.actions;
    file.template = latest.content.template ?? latest.content.templateText;
  }
  if (saved && !sameContent(saved.content, latest?.content)) file.draft = saved.content;
  return file;
}

const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
// Names Windows will not create a file for, whatever the extension.
const RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;

function slug(name: string): string {
  const ascii = name
    .replaceAll('ß', 'ss')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48)
    .replace(/-+$/, '');
  return ascii || 'view';
}

function hashOf(name: string, length: number): string {
  return createHash('sha256').update(name, 'utf8').digest('hex').slice(0, length);
}

/**
 * A file name for each view name: the name itself when it is safe everywhere (letters, digits,
 * `.`, `_`, `-`; not a Windows device name; unique even on a case-insensitive file system), else a
 * slug of it plus a short hash of the full name. Depends only on the set of names, never on order.
 */
export function viewFileNames(names: readonly string[]): Map<string, string> {
  const stems = new Map<string, string>();
  const hashed = (name: string, length: number) => `${slug(name)}-${hashOf(name, length)}`;
  for (const name of names) stems.set(name, SAFE_NAME.test(name) && !RESERVED.test(name) && !name.endsWith('.') ? name : hashed(name, 8));
  for (let length = 8; ; length += 8) {
    const byKey = new Map<string, string[]>();
    for (const [name, stem] of stems) {
      const key = stem.toLowerCase();
      byKey.set(key, [...(byKey.get(key) ?? []), name]);
    }
    const clashing = [...byKey.values()].filter((group) => group.length > 1).flat();
    if (clashing.length === 0) break;
    for (const name of clashing) stems.set(name, hashed(name, Math.min(length, 64)));
    if (length >= 64) break;
  }
  return new Map([...stems].map(([name, stem]) => [name, `${stem}${VIEW_FILE_SUFFIX}`]));
}

export interface LoadedViewFile {
  path: string;
  file: ViewFile;
}

/** Every `*.view.json` of a folder (not its subfolders), sorted by file name. Fails on the first unreadable one. */
export async function readViewDir(dir: string): Promise<LoadedViewFile[]> {
  const names = (await readdir(dir)).filter((name) => name.endsWith(VIEW_FILE_SUFFIX)).sort(compareText);
  const loaded: LoadedViewFile[] = [];
  for (const name of names) {
    const path = join(dir, name);
    loaded.push({ path, file: parseViewFile(await readFile(path, 'utf8'), path) });
  }
  const seen = new Map<string, string>();
  for (const { path, file } of loaded) {
    const other = seen.get(file.name);
    if (other) throw new ViewFileError(`${path}: view "${file.name}" is also in ${other}`);
    seen.set(file.name, path);
  }
  return loaded;
}

export interface WriteDirResult {
  written: string[];
  unchanged: string[];
  removed: string[];
}

/**
 * Makes the folder mirror `files`: writes what changed (a file with the same bytes is not touched)
 * and removes `*.view.json` files of views that are gone. Other files are left alone.
 */
export async function writeViewDir(dir: string, files: readonly ViewFile[]): Promise<WriteDirResult> {
  await mkdir(dir, { recursive: true });
  const names = viewFileNames(files.map((file) => file.name));
  const result: WriteDirResult = { written: [], unchanged: [], removed: [] };
  const keep = new Set<string>();
  for (const file of files) {
    const fileName = names.get(file.name)!;
    keep.add(fileName);
    const path = join(dir, fileName);
    const text = serializeViewFile(file);
    const existing = await readFile(path, 'utf8').catch(() => undefined);
    if (existing === text) result.unchanged.push(path);
    else {
      await writeFile(path, text);
      result.written.push(path);
    }
  }
  for (const name of (await readdir(dir)).filter((entry) => entry.endsWith(VIEW_FILE_SUFFIX)).sort(compareText)) {
    if (keep.has(name)) continue;
    await rm(join(dir, name));
    result.removed.push(join(dir, name));
  }
  return result;
}
