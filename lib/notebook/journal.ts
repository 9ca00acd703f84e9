/**
 * The record of what was run and decided: one JSON line per event, appended,
 * so a crash loses at most the line being written and `tail -f` follows a run.
 * Arguments are recorded as given; the runbook takes no credentials, and any
 * flag that looks like one is masked all the same.
 */
import fs from 'node:fs';
import path from 'node:path';

export type JournalEvent =
  | { event: 'start'; script: string; args: string[]; user: string; host: string; pid: number; range: { start: string; end: string }; backend: string }
  | { event: 'step'; script: string; id: string; title: string; kind: string; status: 'ran' | 'skipped' | 'failed'; sql?: string; params?: Record<string, string>; rowCount?: number; bytesProcessed?: number; jobIds?: string[]; ms?: number; error?: string }
  | { event: 'gate'; script: string; id: string; title: string; evidence: unknown; recommendation: string | null; reason: string; answer: string | null; answeredBy: 'operator' | 'flag' | 'answers-file' | 'yes'; rule?: string; note?: string }
  | { event: 'command'; script: string; step: string | null; job: string; status: 'started' | 'ended' | 'interrupted'; command: string; cwd: string; pid: number | null; log: string; exitCode?: number | null; signal?: string | null; ms?: number; unrecorded?: number;
      /** On 'started': what the command is expected to record (the monitor's total for the platform's own run ids). */
      processor?: string; total?: number; first?: string | null; last?: string | null }
  | { event: 'end'; script: string; exitCode: number; stoppedAt?: string | null; resume?: string; ms: number }
  /** A backfill planned: what it will record (the monitor's total). */
  | { event: 'run'; script: string; history_run_id: string; processor: string; job: string; total: number; first: string | null; last: string | null; host: string; pid: number }
  /** The script waits for the operator at a gate or step (the monitor shows it). */
  | { event: 'ask'; script: string; id: string; title: string };

const SECRET = /(token|secret|password|credential|key)=/i;

export class Journal {
  constructor(private readonly file: string | null, private readonly runId: string) {}

  get path(): string | null { return this.file; }

  write(e: JournalEvent): void {
    if (!this.file) return;
    const record = { ts: new Date().toISOString(), run_id: this.runId, ...e } as Record<string, unknown>;
    if (e.event === 'start') record.args = e.args.map((a) => (SECRET.test(a) ? a.replace(/=.*/, '=***') : a));
    fs.mkdirSync(path.dirname(path.resolve(this.file)), { recursive: true });
    fs.appendFileSync(this.file, `${JSON.stringify(record)}\n`);
  }
}

/** Reads a journal back (05's report, resume hints, tests). */
export function readJournal(file: string): Record<string, unknown>[] {
  if (!fs.existsSync(file)) return [];
  return fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).flatMap((l) => {
    try { return [JSON.parse(l) as Record<string, unknown>]; } catch { return []; } // a torn last line after a crash
  });
}
