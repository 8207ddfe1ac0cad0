/**
 * A reporter for Node's test runner (beside the spec reporter): at the end, the time each test file
 * spent in its tests (its top-level tests and suites, their hooks included), slowest first, so that
 * a slow run says where its time went.
 */
interface TestEvent {
  type: string;
  data: { nesting: number; file?: string; details?: { duration_ms?: number } };
}

export default async function* fileTimes(source: AsyncIterable<TestEvent>): AsyncGenerator<string> {
  const byFile = new Map<string, number>();
  for await (const event of source) {
    if ((event.type === 'test:pass' || event.type === 'test:fail') && event.data.nesting === 0 && event.data.file) {
      const file = event.data.file.replace(`${process.cwd()}/`, '');
      byFile.set(file, (byFile.get(file) ?? 0) + (event.data.details?.duration_ms ?? 0));
    }
  }
  if (byFile.size === 0) return;
  const rows = [...byFile].sort(([, a], [, b]) => b - a).map(([file, ms]) => `ℹ   ${(ms / 1000).toFixed(1).padStart(6)} s  ${file}`);
  yield `ℹ time per test file:\n${rows.join('\n')}\n`;
}
