/**
 * Every question the runbook asks goes through here, so tests can answer it
 * (injected streams) and cancel has one meaning: Ctrl+C (or Esc) at a prompt
 * interrupts the run like Ctrl+C anywhere else (exit 130, resume command).
 * Answers are validated while the prompt is open — an invalid one is asked
 * again with the reason — never rejected after the fact. Enquirer draws on
 * stderr, so a --json stdout stays clean.
 */

export interface Choice { value: string; label: string; hint?: string }

export interface PromptIO {
  stdin?: NodeJS.ReadableStream;
  stdout?: NodeJS.WritableStream;
}

/** true when the answer is acceptable, else the reason shown under the prompt. */
export type Validate = (value: string) => true | string;

export interface Prompter {
  /** Can we ask at all? Without a terminal a question would hang. */
  readonly interactive: boolean;
  select(message: string, choices: Choice[], initial?: string): Promise<string>;
  /** The answer, trimmed; asked again until `validate` accepts it. */
  input(message: string, o?: { initial?: string; validate?: Validate }): Promise<string>;
}

/** The operator cancelled a prompt (Ctrl+C or Esc). */
export class Cancelled extends Error {}

/** A note that says why: at least a few words' worth of characters. */
export const requireNote: Validate = (v) => (v.trim().length >= 3 ? true : 'a note is required: say what is missing and why it is acceptable (Ctrl+C to stop)');

type PromptClass = new (o: object) => { run(): Promise<string> };

/** Loaded at the first prompt: a run under --yes, or one that stops before a gate, never pays for it. */
async function promptClass(name: 'Select' | 'Input'): Promise<PromptClass> {
  const enquirer = (await import('enquirer')).default as unknown as Record<string, PromptClass>;
  return enquirer[name];
}

export function enquirerPrompter(io: PromptIO = {}): Prompter {
  const stdin = io.stdin ?? process.stdin;
  const stdout = io.stdout ?? process.stderr;
  const columns = (stdout as { columns?: number }).columns ?? 100;
  return {
    interactive: Boolean((stdin as { isTTY?: boolean }).isTTY),
    async select(message, choices, initial) {
      const Select = await promptClass('Select');
      const prompt = new Select({
        message: fit(message, columns), stdin, stdout,
        choices: choices.map((c) => ({ name: c.value, message: fit(c.label, columns - 4), hint: c.hint })),
        initial: Math.max(0, choices.findIndex((c) => c.value === initial)),
      });
      try { return await prompt.run(); } catch { throw new Cancelled(); }
    },
    async input(message, o = {}) {
      const Input = await promptClass('Input');
      const validate = o.validate;
      const prompt = new Input({
        message: fit(message, columns), initial: o.initial, stdin, stdout,
        ...(validate ? { validate: (v: string) => validate(String(v ?? '')) } : {}),
      });
      try { return (await prompt.run()).trim(); } catch { throw new Cancelled(); }
    },
  };
}

/**
 * A prompt line that fits the terminal: enquirer redraws by counting lines, and
 * a wrapped line leaves copies of itself on screen. Cut at the end with "…".
 */
export function fit(text: string, columns: number): string {
  const room = Math.max(20, Math.min(columns, 100) - 6);
  return text.length <= room ? text : `${text.slice(0, room - 1)}…`;
}
