/**
 * Powertools Logger writes one JSON line per entry to stdout (errors to stderr). While a capture
 * is on, those lines are parsed and kept instead of printed; everything else passes through.
 */
export interface LogCapture {
  /** Log entries (`{"level"…}`). */
  lines: Record<string, unknown>[];
  /** CloudWatch embedded-metric documents (`{"_aws"…}`). */
  emf: Record<string, unknown>[];
  stop(): void;
}

export function captureLogLines(): LogCapture {
  const capture: LogCapture = { lines: [], emf: [], stop: () => undefined };
  const streams = [process.stdout, process.stderr];
  const writes = streams.map((stream) => stream.write.bind(stream));
  streams.forEach((stream, index) => {
    stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      const text = chunk.toString();
      const into = text.startsWith('{"level"') ? capture.lines : text.startsWith('{"_aws"') ? capture.emf : undefined;
      if (!into) return writes[index]!(chunk, ...(rest as []));
      for (const line of text.trim().split('\n')) into.push(JSON.parse(line));
      return true;
    }) as typeof stream.write;
  });
  capture.stop = () => {
    for (const [index, stream] of streams.entries()) stream.write = writes[index]!;
  };
  return capture;
}
