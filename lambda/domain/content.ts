import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { InvalidParameterException, InvalidRequestException } from './errors.ts';
import { MAX_CONTENT_RESPONSE_BYTES, responseBytes } from './response-size.ts';

export type ViewStatus = 'PUBLISHED' | 'SAVED';

/** Content as the caller sends it (ViewInputContent). */
export interface ContentInput {
  Template?: string;
  Actions?: string[];
}

/** Content as it is stored and returned: the caller's template and actions plus what is derived from them. */
export interface ViewContent {
  template?: string;
  actions: string[];
  inputSchema: string;
  sha256: string;
}

/** AWS documents view content "up to 400 kB"; template and actions together, as UTF-8 bytes. */
export const MAX_CONTENT_BYTES = 400 * 1024;
/** Deeper templates are refused rather than risking stack exhaustion in anything that walks them. */
export const MAX_TEMPLATE_DEPTH = 128;
/** An input path deeper than this is not treated as a reference (it would nest the schema as deep). */
export const MAX_REFERENCE_SEGMENTS = 32;

const REFERENCE = /^\$(?:\.[A-Za-z0-9_-]+)+$/;

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function contentBytes(input: ContentInput): number {
  let bytes = input.Template === undefined ? 0 : Buffer.byteLength(input.Template, 'utf8');
  for (const action of input.Actions ?? []) bytes += Buffer.byteLength(action, 'utf8');
  return bytes;
}

function parseTemplate(template: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(template) };
  } catch {
    return { ok: false };
  }
}

/** Iterative on purpose: a template is untrusted and may nest as deep as its size allows. */
function depthOf(value: unknown): number {
  let deepest = 0;
  const stack: { node: unknown; depth: number }[] = [{ node: value, depth: 1 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    deepest = Math.max(deepest, depth);
    if (deepest > MAX_TEMPLATE_DEPTH) return deepest;
    for (const child of Object.values(node)) stack.push({ node: child, depth: depth + 1 });
  }
  return deepest;
}

function collectReferences(value: unknown): string[][] {
  const references: string[][] = [];
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const node = stack.pop();
    if (typeof node === 'string') {
      if (REFERENCE.test(node)) {
        const segments = node.slice(2).split('.');
        if (segments.length <= MAX_REFERENCE_SEGMENTS) references.push(segments);
      }
    } else if (typeof node === 'object' && node !== null) {
      for (const child of Object.values(node)) stack.push(child);
    }
  }
  return references;
}

interface SchemaNode {
  children: Map<string, SchemaNode>;
}

/** Input names are the template's: built with fromEntries, `$.__proto__` is a property like any other. */
function schemaOf(node: SchemaNode): Record<string, unknown> {
  if (node.children.size === 0) return {};
  const properties = Object.fromEntries([...node.children.keys()].sort().map((key) => [key, schemaOf(node.children.get(key)!)]));
  return { type: 'object', properties };
}

/** Serialized bytes a schema node adds at least: `"key":{}` as a leaf, `"type":"object","properties":{}` once it has children. */
const LEAF_BYTES = 5;
const PARENT_BYTES = 31;

/**
 * JSON Schema (draft 2020-12) of the input the template needs: every string value of the form
 * `$.A` or `$.A.B…` is an input path; nested paths give nested object properties, leaves accept
 * any value. Properties are sorted so that equal templates give equal schemas.
 *
 * With `maxBytes`, gives up (undefined) as soon as the schema is sure to serialize larger: a
 * template of deep references can ask for a schema many times its own size.
 */
export function generateInputSchema(parsedTemplate: unknown): string;
export function generateInputSchema(parsedTemplate: unknown, maxBytes: number): string | undefined;
export function generateInputSchema(parsedTemplate: unknown, maxBytes = Infinity): string | undefined {
  const root: SchemaNode = { children: new Map() };
  let atLeast = 0;
  for (const segments of collectReferences(parsedTemplate)) {
    let node = root;
    for (const segment of segments) {
      let child = node.children.get(segment);
      if (!child) {
        if (node.children.size === 0) atLeast += PARENT_BYTES;
        child = { children: new Map() };
        node.children.set(segment, child);
        atLeast += segment.length + LEAF_BYTES;
        if (atLeast > maxBytes) return undefined;
      }
      node = child;
    }
  }
  const schema = root.children.size === 0 ? { type: 'object', properties: {} } : schemaOf(root);
  return JSON.stringify(schema);
}

/**
 * ViewContentSha256: lower-case hex SHA-256 of the RFC 8785 canonical JSON of
 * `{"Actions": [...], "Template": <parsed template>}`, so equal content gives an equal sha whatever
 * the whitespace or key order of the template string. A saved template that is not JSON is hashed
 * as text under a different member, so it can never collide with a parsed one.
 */
export function contentSha256(actions: string[], template: string | undefined, parsed: unknown | undefined): string {
  const document: Record<string, unknown> = { Actions: actions };
  if (parsed !== undefined) document['Template'] = parsed;
  else if (template !== undefined) document['TemplateText'] = template;
  let canonical: string | undefined;
  try {
    canonical = canonicalize(document);
  } catch (error) {
    // Lone surrogate escapes and numbers beyond IEEE 754 range have no RFC 8785 form.
    throw new InvalidRequestException(`Content.Template has no canonical JSON form: ${(error as Error).message}.`);
  }
  return sha256Hex(canonical!);
}

/**
 * Checks content for the given status and derives its input schema and sha. SAVED runs the basic
 * checks (sizes, nesting); PUBLISHED also requires the template to be a JSON object and the actions
 * to be unique. Throws before anything is written.
 */
export function prepareContent(input: ContentInput, status: ViewStatus): ViewContent {
  const bytes = contentBytes(input);
  if (bytes > MAX_CONTENT_BYTES) {
    throw new InvalidParameterException(
      `Invalid parameter Content: the template and actions must be at most ${MAX_CONTENT_BYTES} bytes (400 KiB) of ` +
        `UTF-8; they are ${bytes} bytes.`,
    );
  }
  const actions = input.Actions ?? [];
  const template = input.Template;
  const parsed = template === undefined ? undefined : parseTemplate(template);

  if (parsed?.ok && depthOf(parsed.value) > MAX_TEMPLATE_DEPTH) {
    throw new InvalidRequestException(`Content.Template nests deeper than ${MAX_TEMPLATE_DEPTH} levels.`);
  }
  if (status === 'PUBLISHED') {
    if (template === undefined) throw new InvalidRequestException('Content.Template is required to publish a view.');
    if (!parsed?.ok)
      throw new InvalidRequestException('Content.Template is not valid JSON; a published view needs a JSON object template.');
    if (typeof parsed.value !== 'object' || parsed.value === null || Array.isArray(parsed.value)) {
      throw new InvalidRequestException('Content.Template must be a JSON object to publish a view.');
    }
    if (new Set(actions).size !== actions.length) {
      throw new InvalidRequestException('Content.Actions must be unique to publish a view.');
    }
  }

  const parsedValue = parsed?.ok ? parsed.value : undefined;
  // Every read of the view returns this content: it must fit Lambda's response, or the view could be written and never read.
  const inputSchema = generateInputSchema(parsedValue, MAX_CONTENT_RESPONSE_BYTES);
  const returned =
    inputSchema === undefined ? undefined : responseBytes({ InputSchema: inputSchema, Template: template, Actions: actions });
  if (inputSchema === undefined || returned === undefined || returned > MAX_CONTENT_RESPONSE_BYTES) {
    throw new InvalidRequestException(
      `Content is too large to be returned: the template, actions and the InputSchema generated from the template's ` +
        `input references take ${returned === undefined ? 'more' : `${returned} bytes`} of a response, and the limit ` +
        `is ${MAX_CONTENT_RESPONSE_BYTES} bytes (4 MiB, within Lambda's 6 MB response limit). Use fewer or shorter input references.`,
    );
  }
  return {
    ...(template === undefined ? {} : { template }),
    actions,
    inputSchema,
    sha256: contentSha256(actions, template, parsedValue),
  };
}
