/**
 * A reason the local service cannot start that the user can act on: its message is one line that
 * says what to do, printed as it is (no stack trace) by the command line.
 */
export type StartProblem = 'port-in-use' | 'java-missing' | 'java-too-old' | 'data-dir-in-use';

export class LocalStartError extends Error {
  readonly problem: StartProblem;

  constructor(problem: StartProblem, message: string) {
    super(message);
    this.name = 'LocalStartError';
    this.problem = problem;
  }
}
