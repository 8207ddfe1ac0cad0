import { readFileSync } from 'node:fs';
import { lineOf } from './matching.ts';

/**
 * Slips of a kind rather than of a line: each operator finds every place its pattern occurs in the
 * files it names and makes one mutant of each. A hand-written mutant list tends to cover the guards
 * someone thought of; these cover the four kinds an independent mutation run found the suite weak
 * on — units of time, the signs of counters, totals carried across pages, catches that tolerate
 * more than they mean to — and the SigV4 rules no SDK ever breaks.
 */
export interface Operator {
  name: string;
  /** What the slip is, in words. */
  slip: string;
  /** Global: every match is a mutant. */
  pattern: RegExp;
  replace: (match: RegExpExecArray) => string;
  /** Each file searched, with the test files expected to catch a slip there. */
  files: Record<string, string[]>;
}

/** One mutant of an operator: a place in a file, and what stands there instead. */
export interface Site {
  name: string;
  file: string;
  index: number;
  length: number;
  replacement: string;
  original: string;
  tests: string[];
}

const UNIT = {
  plans: 'test/unit/write-plan.test.ts',
  keys: 'test/unit/page-token-keys.test.ts',
  tolerated: 'test/unit/tolerated-errors.test.ts',
  content: 'test/unit/content.test.ts',
};
const INTEGRATION = {
  expiries: 'test/integration/expiries.test.ts',
  views: 'test/integration/views.test.ts',
  wire: 'test/integration/wire.test.ts',
  sigv4: 'test/integration/sigv4.test.ts',
  sigv4Rules: 'test/integration/sigv4-rules.test.ts',
  replay: 'test/integration/event-replay.test.ts',
  model: 'test/integration/version-model.test.ts',
  search: 'test/integration/search.test.ts',
  limits: 'test/integration/limits.test.ts',
};

/** An error compared by name or code, so that one kind of failure is tolerated. */
const NAMED_ERROR = /(?:\(error as [^)]+\)\??\.(?:name|code)|\(error as [^)]+\)\?\.cause\?\.name|errorName\(error\)) (===|!==) '\w+'/g;

export const OPERATORS: Operator[] = [
  {
    name: 'epoch-seconds-in-milliseconds',
    slip: 'a division by 1000 dropped: an expiry or a wire timestamp in milliseconds where seconds are meant',
    pattern: /\s*\/\s*1000\b/g,
    replace: () => '',
    files: {
      'lambda/store/write-plan.ts': [UNIT.plans],
      'lambda/operations/create-view.ts': [INTEGRATION.expiries],
      'lambda/store/view-store.ts': [INTEGRATION.expiries, INTEGRATION.views],
      'lambda/operations/wire.ts': [INTEGRATION.wire],
    },
  },
  {
    name: 'seconds-taken-as-milliseconds',
    slip: 'a multiplication by 1000 dropped: a duration or expiry in seconds compared with milliseconds',
    pattern: /\s*\*\s*1000\b/g,
    replace: () => '',
    files: {
      'lambda/page-token-keys.ts': [UNIT.keys],
      'emulator/service.ts': [INTEGRATION.sigv4],
      'emulator/stream/poller.ts': [INTEGRATION.replay],
    },
  },
  {
    name: 'view-count-sign-flipped',
    slip: 'the per-instance view count moved the wrong way by a create or a delete',
    pattern: /viewCountChange\(([^()]*), (-?1)\)/g,
    replace: (match) => `viewCountChange(${match[1]}, ${match[2] === '1' ? '-1' : '1'})`,
    files: { 'lambda/store/view-store.ts': [INTEGRATION.model] },
  },
  {
    name: 'earlier-pages-forgotten',
    slip: 'a later page of SearchViews drops what the earlier pages carried in the token (matches, views read)',
    pattern: /\(position\?\.\w+ \?\? 0\) \+ /g,
    replace: () => '',
    files: { 'lambda/operations/search-views.ts': [INTEGRATION.search] },
  },
  {
    name: 'accumulation-dropped',
    slip: 'a running total overwritten instead of added to',
    pattern: /(\b[\w.]+) \+= /g,
    replace: (match) => `${match[1]} = `,
    files: {
      'lambda/operations/search-views.ts': [INTEGRATION.search, INTEGRATION.limits],
      'lambda/domain/content.ts': [UNIT.content],
    },
  },
  {
    name: 'catch-widened',
    slip: 'a catch that tolerates one named error tolerates every error',
    pattern: NAMED_ERROR,
    replace: (match) => (match[1] === '===' ? 'true' : 'false'),
    files: {
      'lambda/store/dynamo-io.ts': [UNIT.tolerated],
      'lambda/store/table.ts': [UNIT.tolerated],
      'lambda/page-token-keys.ts': [UNIT.keys],
      'emulator/stream/shard-reader.ts': [UNIT.tolerated],
      'emulator/stream/checkpoint-store.ts': [UNIT.tolerated],
    },
  },
  {
    name: 'catch-widened-by-class',
    slip: 'a catch that lets through all but one class of error lets through none',
    pattern: /!\(error instanceof \w+\)/g,
    replace: () => 'false',
    files: {
      'lambda/operations/context.ts': [UNIT.tolerated],
      'lambda/operations/create-view.ts': [INTEGRATION.views],
    },
  },
  {
    name: 'signing-rule-dropped',
    slip: 'one rule of the SigV4 check no longer refuses anything',
    // The condition of each refusal, up to comments and a line that words the message between.
    pattern: /if \(([^\n]*?)\)( \{(?:\s*(?:\/\/[^\n]*|const [^\n]*))*\s*| )return reject\(/g,
    replace: (match) => `if (false)${match[2]}return reject(`,
    files: { 'emulator/gateway/sigv4.ts': [INTEGRATION.sigv4, INTEGRATION.sigv4Rules] },
  },
];

/** Every mutant the operators make of the files as they are now. */
export function sites(operators: Operator[] = OPERATORS): Site[] {
  const found: Site[] = [];
  for (const operator of operators) {
    for (const [file, tests] of Object.entries(operator.files)) {
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(operator.pattern)) {
        const execMatch = match as RegExpExecArray;
        found.push({
          name: `${operator.name}@${file}:${lineOf(text, match.index)}`,
          file,
          index: match.index,
          length: match[0].length,
          replacement: operator.replace(execMatch),
          original: match[0],
          tests,
        });
      }
    }
  }
  return found;
}

/** Operators that match nothing in a file they name: stale, like a literal mutant that no longer applies. */
export function staleOperators(operators: Operator[] = OPERATORS): string[] {
  const stale: string[] = [];
  for (const operator of operators) {
    for (const file of Object.keys(operator.files)) {
      if (![...readFileSync(file, 'utf8').matchAll(operator.pattern)].length) stale.push(`${operator.name} in ${file}`);
    }
  }
  return stale;
}
