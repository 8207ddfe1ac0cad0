import diff from 'microdiff';
import pc from 'picocolors';
import { jsonPointer } from './json.ts';

export { jsonPointer };

/** What two states of a view are compared on. `template` is the parsed object, never the escaped string. */
export interface DiffSubject {
  name?: string;
  description?: string;
  actions?: string[];
  template?: unknown;
  /** A draft's template that is not JSON, compared as text. */
  templateText?: string;
  /** Compared only when both sides have it: a file has none (the service derives it). */
  inputSchema?: unknown;
  tags?: Record<string, string>;
  /** A view file's unpublished draft (`$SAVED`), compared when either side has one. */
  draft?: unknown;
}

export interface DiffEntry {
  kind: 'added' | 'removed' | 'changed';
  /** RFC 6901 JSON pointer into the subject, e.g. `/template/Body/0/Props/Heading`. */
  path: string;
  before?: unknown;
  after?: unknown;
}

function comparable(subject: DiffSubject, withSchema: boolean): Record<string, unknown> {
  const value: Record<string, unknown> = {};
  if (subject.name !== undefined) value['name'] = subject.name;
  if (subject.description !== undefined) value['description'] = subject.description;
  value['actions'] = subject.actions ?? [];
  if (subject.template !== undefined) value['template'] = subject.template;
  if (subject.templateText !== undefined) value['templateText'] = subject.templateText;
  if (withSchema && subject.inputSchema !== undefined) value['inputSchema'] = subject.inputSchema;
  value['tags'] = subject.tags ?? {};
  if (subject.draft !== undefined) value['draft'] = subject.draft;
  return value;
}

/**
 * Which members, components, props and actions were added, removed or changed between two states of
 * a view, by JSON pointer. Object key order is not a change; array order is (a template's Body is
 * ordered). Entries come sorted by path, so equal inputs give equal output.
 */
export function structuralDiff(a: DiffSubject, b: DiffSubject): DiffEntry[] {
  const withSchema = a.inputSchema !== undefined && b.inputSchema !== undefined;
  const entries = diff(comparable(a, withSchema), comparable(b, withSchema), { cyclesFix: false }).map((change): DiffEntry => {
    const path = jsonPointer(change.path);
    if (change.type === 'CREATE') return { kind: 'added', path, after: change.value };
    if (change.type === 'REMOVE') return { kind: 'removed', path, before: change.oldValue };
    return { kind: 'changed', path, before: change.oldValue, after: change.value };
  });
  return entries.sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
}

export interface RenderOptions {
  /** Colour: on for a terminal, off when piped (picocolors also honours NO_COLOR and FORCE_COLOR). */
  color?: boolean;
  /** Lines start with this (plan output indents each view's diff). */
  indent?: string;
  /** Longest rendering of one value before it is cut with `…`. */
  maxValueLength?: number;
}

function show(value: unknown, max: number): string {
  const text = value === undefined ? 'undefined' : JSON.stringify(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** `+ /path: value`, `- /path: value`, `~ /path: before → after`, one line each. */
export function renderDiff(entries: readonly DiffEntry[], options: RenderOptions = {}): string {
  const colors = pc.createColors(options.color ?? false);
  const indent = options.indent ?? '';
  const max = options.maxValueLength ?? 120;
  return entries
    .map((entry) => {
      if (entry.kind === 'added') return `${indent}${colors.green(`+ ${entry.path}: ${show(entry.after, max)}`)}`;
      if (entry.kind === 'removed') return `${indent}${colors.red(`- ${entry.path}: ${show(entry.before, max)}`)}`;
      return `${indent}${colors.yellow(`~ ${entry.path}: ${show(entry.before, max)} → ${show(entry.after, max)}`)}`;
    })
    .join('\n');
}
