import { readFile } from 'node:fs/promises';
import { isPlainObject, jsonPointer } from './json.ts';

/**
 * `lint`: what Connect refuses, or accepts and then renders wrong, found before publishing. Each
 * rule names its source in docs/views-as-code.md. The limits below are copied from the Connect API
 * model (botocore `connect/2017-08-08`, the shape named beside each) and from this service's
 * documented limits, not imported: the tool must not depend on the service's internals.
 */
export type Severity = 'error' | 'warning';

export interface Finding {
  rule: string;
  severity: Severity;
  /** RFC 6901 pointer into the view file (or into the content, for lintContent). */
  pointer: string;
  message: string;
  /** The file, when the finding came from one. */
  file?: string;
}

export interface RuleInfo {
  id: string;
  severity: Severity;
  summary: string;
  source: string;
}

export const RULES: readonly RuleInfo[] = [
  { id: 'file-shape', severity: 'error', summary: 'the file is a JSON object with the members a view file has', source: 'this tool' },
  {
    id: 'template-object',
    severity: 'error',
    summary: 'the template is a JSON object',
    source: 'AWS docs (ViewInputContent); PUBLISHED validation',
  },
  { id: 'template-depth', severity: 'error', summary: 'the template nests at most 128 levels', source: 'this service (docs/api.md)' },
  {
    id: 'content-size',
    severity: 'error',
    summary: 'template plus actions are at most 409,600 bytes of UTF-8',
    source: 'AWS docs (400 kB); this service',
  },
  {
    id: 'embedded-reference',
    severity: 'error',
    summary: 'a `$.` reference is a whole string, not part of a longer one',
    source: 'AWS docs (views input)',
  },
  {
    id: 'undeclared-action',
    severity: 'error',
    summary: 'every action the template raises is in `actions`',
    source: 'AWS docs (custom views)',
  },
  {
    id: 'unused-action',
    severity: 'warning',
    summary: 'every declared action is raised somewhere in the template',
    source: 'AWS docs (Show view block)',
  },
  { id: 'duplicate-action', severity: 'error', summary: 'actions are unique', source: 'this service (PUBLISHED validation)' },
  { id: 'empty-string', severity: 'warning', summary: 'no empty-string values in the template', source: 'this tool' },
  { id: 'name', severity: 'error', summary: 'name: 1–255 characters of the ViewName pattern', source: 'API model ViewName' },
  {
    id: 'description',
    severity: 'error',
    summary: 'description: 1–4096 characters of the ViewDescription pattern',
    source: 'API model ViewDescription',
  },
  { id: 'action', severity: 'error', summary: 'each action: 1–255 characters of the ViewAction pattern', source: 'API model ViewAction' },
  {
    id: 'tags',
    severity: 'error',
    summary: 'at most 50 tags; keys 1–128 characters, not `aws:`; values up to 256',
    source: 'API model TagMap, TagKey, TagValue',
  },
  {
    id: 'unknown-member',
    severity: 'warning',
    summary: 'no members a view file does not have (a typo is silently ignored)',
    source: 'this tool',
  },
];

// API model ViewName / ViewAction: min 1, max 255, pattern ^([\p{L}\p{N}_.:\/=+\-@()']+[\p{L}\p{Z}\p{N}_.:\/=+\-@()']*)$ —
// written here as the equivalent linear pattern.
const NAME_MAX = 255;
const NAME_PATTERN = /^[\p{L}\p{N}_.:/=+\-@()'][\p{L}\p{Z}\p{N}_.:/=+\-@()']*$/u;
const ACTION_MAX = 255;
const ACTION_PATTERN = NAME_PATTERN;
// API model ViewDescription: min 1, max 4096, the same pattern plus `,`.
const DESCRIPTION_MAX = 4096;
const DESCRIPTION_PATTERN = /^[\p{L}\p{N}_.:/=+\-@,()'][\p{L}\p{Z}\p{N}_.:/=+\-@,()']*$/u;
// API model TagMap: 1–50 entries; TagKey: 1–128, ^(?!aws:)[\p{L}\p{Z}\p{N}_.:/=+\-@]*$; TagValue: max 256.
const TAGS_MAX = 50;
const TAG_KEY_MAX = 128;
const TAG_KEY_PATTERN = /^(?!aws:)[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const TAG_VALUE_MAX = 256;
// AWS documents view content "up to 400 kB"; this service counts 400 KiB of UTF-8 (docs/api.md, Constraints).
const CONTENT_MAX_BYTES = 409_600;
// This service refuses templates nested deeper (docs/api.md, Validation).
const TEMPLATE_MAX_DEPTH = 128;

/** A whole-string input reference, as Connect (and this service) read them: `$.A` or `$.A.B…`. */
const REFERENCE = /^\$(?:\.[A-Za-z0-9_-]+)+$/;
/** `$.` followed by a name start, anywhere in a string; `$.50` (a price) is not one. */
const REFERENCE_INSIDE = /\$\.[A-Za-z_]/;
const FILE_KEYS = new Set(['name', 'description', 'type', 'actions', 'template', 'draft', 'tags']);

const SEVERITY = new Map(RULES.map((rule) => [rule.id, rule.severity]));

function codePoints(value: string): number {
  return [...value].length;
}

interface Walked {
  raised: { action: string; pointer: string }[];
  dynamicAction: boolean;
  findings: Finding[];
  depth: number;
}

/** Iterative: a template is input and may nest as deep as its size allows. */
function walkTemplate(template: unknown, base: (string | number)[]): Walked {
  const walked: Walked = { raised: [], dynamicAction: false, findings: [], depth: 0 };
  const stack: { node: unknown; path: (string | number)[]; depth: number }[] = [{ node: template, path: base, depth: 1 }];
  while (stack.length > 0) {
    const { node, path, depth } = stack.pop()!;
    if (typeof node === 'string') {
      const pointer = jsonPointer(path);
      if (node === '') {
        walked.findings.push({ rule: 'empty-string', severity: 'warning', pointer, message: 'empty string: Connect shows nothing for it' });
      } else if (!REFERENCE.test(node) && REFERENCE_INSIDE.test(node)) {
        walked.findings.push({
          rule: 'embedded-reference',
          severity: 'error',
          pointer,
          message:
            `"${node.length > 60 ? `${node.slice(0, 59)}…` : node}" holds a $. reference inside a longer string: ` +
            'it renders literally and declares no input',
        });
      }
      continue;
    }
    if (typeof node !== 'object' || node === null) continue;
    walked.depth = Math.max(walked.depth, depth);
    if (depth > TEMPLATE_MAX_DEPTH) continue;
    const entries: [string | number, unknown][] = Array.isArray(node) ? node.map((item, index) => [index, item]) : Object.entries(node);
    for (const [key, child] of entries) {
      // Components raise an action through an `Action` prop (Button, Card, …: AWS's custom-view examples).
      if (key === 'Action' && typeof child === 'string' && child !== '') {
        if (REFERENCE.test(child)) walked.dynamicAction = true;
        else walked.raised.push({ action: child, pointer: jsonPointer([...path, key]) });
      }
      stack.push({ node: child, path: [...path, key], depth: depth + 1 });
    }
  }
  return walked;
}

export interface ContentToLint {
  /** Parsed, or the text as sent (then parsed here). */
  template?: unknown;
  templateText?: string;
  actions?: readonly unknown[];
}

/**
 * The rules on content alone (template and actions): what the emulator's strict mode runs at
 * publish. `base` prefixes the pointers (`/template` in a file, `/draft/template` for a draft).
 */
export function lintContent(
  content: ContentToLint,
  base: { template: (string | number)[]; actions: (string | number)[] } = { template: ['template'], actions: ['actions'] },
): Finding[] {
  const findings: Finding[] = [];
  let template = content.template;
  if (template === undefined && content.templateText !== undefined) {
    try {
      template = JSON.parse(content.templateText);
    } catch {
      findings.push({
        rule: 'template-object',
        severity: 'error',
        pointer: jsonPointer(base.template),
        message: 'the template is not JSON',
      });
      return findings;
    }
  }
  const actions = content.actions ?? [];
  if (!isPlainObject(template)) {
    findings.push({
      rule: 'template-object',
      severity: 'error',
      pointer: jsonPointer(base.template),
      message: `the template must be a JSON object, not ${describeType(template)}`,
    });
  }
  const text = content.templateText ?? JSON.stringify(template ?? null);
  let bytes = Buffer.byteLength(text, 'utf8');
  for (const action of actions) if (typeof action === 'string') bytes += Buffer.byteLength(action, 'utf8');
  if (bytes > CONTENT_MAX_BYTES) {
    findings.push({
      rule: 'content-size',
      severity: 'error',
      pointer: jsonPointer(base.template),
      message: `template and actions take ${bytes} bytes; the limit is ${CONTENT_MAX_BYTES} (400 KiB)`,
    });
  }
  const walked = walkTemplate(template, base.template);
  if (walked.depth > TEMPLATE_MAX_DEPTH) {
    findings.push({
      rule: 'template-depth',
      severity: 'error',
      pointer: jsonPointer(base.template),
      message: `the template nests deeper than ${TEMPLATE_MAX_DEPTH} levels`,
    });
  }
  findings.push(...walked.findings);

  const declared = new Set<string>();
  actions.forEach((action, index) => {
    const pointer = jsonPointer([...base.actions, index]);
    if (typeof action !== 'string') {
      findings.push({ rule: 'action', severity: 'error', pointer, message: 'an action must be a string' });
      return;
    }
    if (declared.has(action))
      findings.push({ rule: 'duplicate-action', severity: 'error', pointer, message: `"${action}" is declared twice` });
    declared.add(action);
    const length = codePoints(action);
    if (length < 1 || length > ACTION_MAX || !ACTION_PATTERN.test(action)) {
      findings.push({
        rule: 'action',
        severity: 'error',
        pointer,
        message: `"${action}" is not a valid action: 1–${ACTION_MAX} letters, digits, spaces and _.:/=+-@()' (not starting with a space)`,
      });
    }
  });
  const raisedNames = new Set(walked.raised.map((raised) => raised.action));
  for (const raised of walked.raised) {
    if (!declared.has(raised.action)) {
      findings.push({
        rule: 'undeclared-action',
        severity: 'error',
        pointer: raised.pointer,
        message: `the template raises "${raised.action}", which is not in actions: the Show view block has no branch for it`,
      });
    }
  }
  if (!walked.dynamicAction) {
    actions.forEach((action, index) => {
      if (typeof action === 'string' && !raisedNames.has(action)) {
        findings.push({
          rule: 'unused-action',
          severity: 'warning',
          pointer: jsonPointer([...base.actions, index]),
          message: `"${action}" is declared but nothing in the template raises it: its flow branch can never be taken`,
        });
      }
    });
  }
  return dedupe(findings);
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'an array' : typeof value;
}

function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((finding) => {
    const key = `${finding.rule}|${finding.pointer}|${finding.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function stringRule(rule: string, pointer: string, value: unknown, max: number, pattern: RegExp, what: string): Finding[] {
  if (typeof value !== 'string') return [{ rule, severity: 'error', pointer, message: `${what} must be a string` }];
  const length = codePoints(value);
  if (length < 1 || length > max)
    return [{ rule, severity: 'error', pointer, message: `${what} must have 1–${max} characters; it has ${length}` }];
  if (!pattern.test(value)) {
    return [
      {
        rule,
        severity: 'error',
        pointer,
        message: `${what} has characters the API does not take (letters, digits, spaces and _.:/=+-@()' are allowed; no leading space)`,
      },
    ];
  }
  return [];
}

/** Why a description (of a view or a version) would be refused by the API, or undefined when it is fine. */
export function descriptionProblem(value: string): string | undefined {
  return stringRule('description', '', value, DESCRIPTION_MAX, DESCRIPTION_PATTERN, 'a description')[0]?.message;
}

/**
 * Every rule on a view file's parsed JSON (what `pull` writes). A draft's findings are warnings: a
 * draft is saved, not published, and Connect checks it only when it is published.
 */
export function lintView(file: unknown): Finding[] {
  if (!isPlainObject(file)) return [{ rule: 'file-shape', severity: 'error', pointer: '', message: 'a view file must hold a JSON object' }];
  const findings: Finding[] = [];
  for (const key of Object.keys(file)) {
    if (!FILE_KEYS.has(key)) {
      findings.push({
        rule: 'unknown-member',
        severity: 'warning',
        pointer: jsonPointer([key]),
        message: `"${key}" is not a member of a view file: it is ignored`,
      });
    }
  }
  findings.push(...stringRule('name', '/name', file['name'], NAME_MAX, NAME_PATTERN, 'name'));
  if (file['description'] !== undefined) {
    findings.push(...stringRule('description', '/description', file['description'], DESCRIPTION_MAX, DESCRIPTION_PATTERN, 'description'));
  }
  if (file['actions'] !== undefined && !Array.isArray(file['actions'])) {
    findings.push({ rule: 'file-shape', severity: 'error', pointer: '/actions', message: 'actions must be a list of strings' });
  }
  const actions = Array.isArray(file['actions']) ? file['actions'] : [];
  if (file['template'] === undefined && file['draft'] === undefined) {
    findings.push({ rule: 'file-shape', severity: 'error', pointer: '/template', message: 'a view file needs a template (or a draft)' });
  }
  if (file['template'] !== undefined) findings.push(...lintContent({ template: file['template'], actions }));
  const draft = file['draft'];
  if (draft !== undefined) {
    if (!isPlainObject(draft))
      findings.push({ rule: 'file-shape', severity: 'error', pointer: '/draft', message: 'draft must be an object' });
    else {
      const draftFindings = lintContent(
        {
          ...(draft['template'] !== undefined ? { template: draft['template'] } : {}),
          ...(typeof draft['templateText'] === 'string' ? { templateText: draft['templateText'] } : {}),
          actions: Array.isArray(draft['actions']) ? draft['actions'] : [],
        },
        { template: ['draft', typeof draft['templateText'] === 'string' ? 'templateText' : 'template'], actions: ['draft', 'actions'] },
      );
      findings.push(...draftFindings.map((finding) => ({ ...finding, severity: 'warning' as const })));
    }
  }
  const tags = file['tags'];
  if (tags !== undefined) {
    if (!isPlainObject(tags))
      findings.push({ rule: 'tags', severity: 'error', pointer: '/tags', message: 'tags must map keys to strings' });
    else {
      const entries = Object.entries(tags);
      if (entries.length > TAGS_MAX)
        findings.push({ rule: 'tags', severity: 'error', pointer: '/tags', message: `${entries.length} tags; at most ${TAGS_MAX}` });
      for (const [key, value] of entries) {
        const pointer = jsonPointer(['tags', key]);
        const keyLength = codePoints(key);
        if (keyLength < 1 || keyLength > TAG_KEY_MAX || !TAG_KEY_PATTERN.test(key)) {
          findings.push({
            rule: 'tags',
            severity: 'error',
            pointer,
            message: `tag key "${key}" must have 1–${TAG_KEY_MAX} letters, digits, spaces and _.:/=+-@, and not start with aws:`,
          });
        }
        if (typeof value !== 'string' || codePoints(value) > TAG_VALUE_MAX) {
          findings.push({
            rule: 'tags',
            severity: 'error',
            pointer,
            message: `tag value must be a string of at most ${TAG_VALUE_MAX} characters`,
          });
        }
      }
    }
  }
  return findings.map((finding) => ({
    ...finding,
    severity: finding.severity === 'warning' ? 'warning' : (SEVERITY.get(finding.rule) ?? finding.severity),
  }));
}

/** lintView on a file's text, each finding naming the file. */
export function lintViewText(text: string, file: string): Finding[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return [{ rule: 'file-shape', severity: 'error', pointer: '', message: `not JSON: ${(error as Error).message}`, file }];
  }
  return lintView(parsed).map((finding) => ({ ...finding, file }));
}

export async function lintFile(path: string): Promise<Finding[]> {
  return lintViewText(await readFile(path, 'utf8'), path);
}

export function hasErrors(findings: readonly Finding[]): boolean {
  return findings.some((finding) => finding.severity === 'error');
}
