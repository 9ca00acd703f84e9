/**
 * Every question the runbook asks goes through here, so tests can answer it
 * (injected streams) and cancel has one meaning (Quit). Enquirer draws on
 * stderr, so a --json stdout stays clean.
 */
import enquirer from 'enquirer';

export interface Choice { value: string; label: string; hint?: string }

export interface PromptIO {
  stdin?: NodeJS.ReadableStream;
  stdout?: NodeJS.WritableStream;
}

export interface Prompter {
  /** Can we ask at all? Without a terminal a question would hang. */
  readonly interactive: boolean;
  select(message: string, choices: Choice[], initial?: string): Promise<string>;
  input(message: string, initial?: string): Promise<string>;
}

export class Cancelled extends Error {}

export function enquirerPrompter(io: PromptIO = {}): Prompter {
  const stdin = io.stdin ?? process.stdin;
  const stdout = io.stdout ?? process.stderr;
  return {
    interactive: Boolean((stdin as { isTTY?: boolean }).isTTY),
    async select(message, choices, initial) {
      const Select = (enquirer as unknown as { Select: new (o: object) => { run(): Promise<string> } }).Select;
      const prompt = new Select({
        message, stdin, stdout,
        choices: choices.map((c) => ({ name: c.value, message: c.label, hint: c.hint })),
        initial: Math.max(0, choices.findIndex((c) => c.value === initial)),
      });
      try { return await prompt.run(); } catch { throw new Cancelled(); }
    },
    async input(message, initial) {
      const Input = (enquirer as unknown as { Input: new (o: object) => { run(): Promise<string> } }).Input;
      const prompt = new Input({ message, initial, stdin, stdout });
      try { return (await prompt.run()).trim(); } catch { throw new Cancelled(); }
    },
  };
}
