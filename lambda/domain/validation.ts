import { InvalidParameterException } from './errors.ts';
import { shape, type Shape } from './model.ts';

/**
 * Validates a request against the model's constraints (type, required, length, range, pattern, enum)
 * and fails with an InvalidParameterException that names the member. Values of sensitive members
 * are never echoed back.
 */

/** The model's pattern for ViewContentSha256 matches one character: an upstream slip (docs/api.md, Constraints). */
const PATTERN_OVERRIDES: Record<string, string> = {
  ViewContentSha256: '^[a-zA-Z0-9]{1,64}$',
};

/** Patterns a reader cannot be expected to decode, said in words. */
const PATTERN_MEANINGS: Record<string, string> = {
  InstanceIdOrArn:
    "must be the instance's id, a UUID such as 11111111-2222-3333-4444-555555555555, or its instance ARN (SearchViews, " +
    'like Amazon Connect, takes no other form)',
};

const compiled = new Map<string, RegExp>();

/**
 * The items of a character class body: `\p{…}` properties, escapes and single characters. Bodies
 * with a range or a negation (an unescaped `-` or `^`) are not taken apart: item by item is then
 * no longer set by set.
 */
function classItems(body: string): string[] | undefined {
  const items = body.match(/\\p\{[A-Za-z_]+\}|\\.|[^\\]/gu);
  return items && items.join('') === body && !items.includes('^') && !items.includes('-') ? items : undefined;
}

/**
 * The model's Name, Description and Action patterns have the form `^([A]+[B]*)$` with every item
 * of class A also in class B: a backtracking engine tries every split between the two on a string
 * that fails near its end, quadratic in its length (44 ms for 4,096 characters). `^[A][B]*$`
 * matches exactly the same strings in linear time. Other patterns are returned as they are.
 */
export function linearPattern(source: string): string {
  const match = /^\^\(\[([^\]]+)\]\+\[([^\]]+)\]\*\)\$$/u.exec(source);
  if (!match) return source;
  const [first, rest] = [classItems(match[1]!), classItems(match[2]!)];
  if (!first || !rest || !first.every((item) => rest.includes(item))) return source;
  return `^[${match[1]}][${match[2]}]*$`;
}

/**
 * `\p{L}` needs the `u` flag, while `\_` (in the InstanceId and ViewId patterns) is a syntax error
 * under it; the model means the same thing either way, so compile with `u` whenever that is valid.
 */
function patternOf(shapeName: string, source: string): RegExp {
  let regex = compiled.get(shapeName);
  if (!regex) {
    const linear = linearPattern(source);
    try {
      regex = new RegExp(linear, 'u');
    } catch {
      regex = new RegExp(linear);
    }
    compiled.set(shapeName, regex);
  }
  return regex;
}

function fail(path: string, problem: string): never {
  throw new InvalidParameterException(`Invalid parameter ${path}: ${problem}.`);
}

function codePointLength(value: string): number {
  let count = 0;
  for (let i = 0; i < value.length; i++) {
    const unit = value.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < value.length) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    count++;
  }
  return count;
}

function checkLength(path: string, s: Shape, length: number, unit: string): void {
  if (s.min !== undefined && length < s.min) fail(path, `must have at least ${s.min} ${unit}`);
  if (s.max !== undefined && length > s.max) fail(path, `must have at most ${s.max} ${unit}`);
}

function validateString(shapeName: string, s: Shape, value: unknown, path: string): void {
  if (typeof value !== 'string') fail(path, 'must be a string');
  if (!value.isWellFormed()) fail(path, 'must be well-formed Unicode (it has an unpaired surrogate)');
  if (s.enum) {
    if (!s.enum.includes(value)) fail(path, `must be one of ${s.enum.join(', ')}`);
    return;
  }
  checkLength(path, s, codePointLength(value), 'characters');
  const pattern = PATTERN_OVERRIDES[shapeName] ?? s.pattern;
  if (pattern && !patternOf(shapeName, pattern).test(value)) {
    fail(
      path,
      s.sensitive ? 'contains characters that are not allowed' : (PATTERN_MEANINGS[shapeName] ?? `must match the pattern ${pattern}`),
    );
  }
}

function validateNumber(s: Shape, value: unknown, path: string, integral: boolean): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(path, 'must be a number');
  if (integral && !Number.isSafeInteger(value)) fail(path, 'must be an integer');
  if (s.min !== undefined && value < s.min) fail(path, `must be at least ${s.min}`);
  if (s.max !== undefined && value > s.max) fail(path, `must be at most ${s.max}`);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Recursive shapes (SearchViews criteria) are refused past this depth rather than walked. */
export const MAX_NESTING = 24;

function validateStructure(s: Shape, value: unknown, path: string, depth: number): void {
  if (!isPlainObject(value)) fail(path || 'request body', 'must be a JSON object');
  for (const required of s.required ?? []) {
    if (value[required] === undefined || value[required] === null) {
      fail(join(path, required), 'is required');
    }
  }
  for (const [memberName, ref] of Object.entries(s.members ?? {})) {
    const member = value[memberName];
    if (member !== undefined && member !== null) validateValue(ref.shape, member, join(path, memberName), depth + 1);
  }
}

function join(path: string, member: string): string {
  return path ? `${path}.${member}` : member;
}

export function validateValue(shapeName: string, value: unknown, path: string, depth = 0): void {
  if (depth > MAX_NESTING) fail(path, `nests more than ${MAX_NESTING} levels deep`);
  const s = shape(shapeName);
  switch (s.type) {
    case 'structure':
      validateStructure(s, value, path, depth);
      return;
    case 'string':
      validateString(shapeName, s, value, path);
      return;
    case 'integer':
    case 'long':
      validateNumber(s, value, path, true);
      return;
    case 'boolean':
      if (typeof value !== 'boolean') fail(path, 'must be a boolean');
      return;
    case 'list': {
      if (!Array.isArray(value)) fail(path, 'must be a list');
      checkLength(path, s, value.length, 'items');
      value.forEach((item, index) => {
        if (item === null || item === undefined) fail(`${path}[${index}]`, 'must not be null');
        validateValue(s.member!.shape, item, `${path}[${index}]`, depth + 1);
      });
      return;
    }
    case 'map': {
      if (!isPlainObject(value)) fail(path, 'must be a map');
      const entries = Object.entries(value);
      checkLength(path, s, entries.length, 'entries');
      for (const [key, item] of entries) {
        validateValue(s.key!.shape, key, `${path} key`, depth + 1);
        if (item === null || item === undefined) fail(`${path}.${key}`, 'must not be null');
        validateValue(s.value!.shape, item, `${path}.${key}`, depth + 1);
      }
      return;
    }
    default:
      throw new Error(`no validator for shape type ${s.type} (${shapeName})`);
  }
}

/** Validates an operation's whole input (path labels, query members and body members together). */
export function validateInput<T>(inputShape: string, input: Record<string, unknown>): T {
  validateValue(inputShape, input, '');
  return input as T;
}
