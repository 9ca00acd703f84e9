/**
 * The exit codes every script shares, and the small error classes that carry
 * them to the one error boundary in `main` (notebook.ts).
 */
export const EXIT = { done: 0, failed: 1, badInput: 2, stoppedAtGate: 3, interrupted: 130 } as const;

/** Bad input: a flag, a date, a season. One line, exit 2, nothing written. */
export class UsageError extends Error {
  readonly exitCode = EXIT.badInput;
  constructor(message: string) { super(message); this.name = 'UsageError'; }
}

/** A gate that --yes may not pass, or an operator who chose to stop. */
export class GateStop extends Error {
  readonly exitCode = EXIT.stoppedAtGate;
  constructor(readonly gateId: string, message: string) { super(message); this.name = 'GateStop'; }
}

/** The operator chose Quit at a step prompt. */
export class QuitRequested extends Error {
  readonly exitCode = EXIT.stoppedAtGate;
  constructor(readonly stepId: string) { super(`stopped at step ${stepId} (Quit)`); this.name = 'QuitRequested'; }
}

/** SIGINT: in-flight work is recorded as interrupted, and the resume command is printed. */
export class Interrupted extends Error {
  readonly exitCode = EXIT.interrupted;
  constructor(readonly stepId: string | null) { super('interrupted'); this.name = 'Interrupted'; }
}

/** A step that could not finish (a platform job failed without recording its dates): exit 1, with the resume command. */
export class StepFailed extends Error {
  readonly exitCode = EXIT.failed;
  constructor(readonly stepId: string | null, message: string) { super(message); this.name = 'StepFailed'; }
}
