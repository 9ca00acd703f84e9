/**
 * One state per season and phase, derived from the run history, the data and
 * the recorded decisions together — never from "every date was attempted":
 *
 *  - running: a live run holds the season's lease for the phase;
 *  - waiting: the phase's latest decision is a stop (which gate, its evidence, since when);
 *  - done: every expected game date has its rows, and every gate answered goes on;
 *  - decided: the same, where some dates are missing but their failure was
 *    documented by a go-on answer made after it (answer, note, who);
 *  - not started: no attempt and no rows;
 *  - attempted: anything else — dates missing without a decision (failed,
 *    interrupted, abandoned, never run, or rows deleted since).
 *
 * Interrupted and abandoned dates are never "documented": a re-run fixes them.
 * Dates without games (`no_games`) are not game dates and count for nothing.
 * Phase 4 is done only once its quality gate (3.3.2) was answered with a go-on choice.
 */
import { isBootstrap, type Season } from '../seasons/calendar.ts';
import { PHASE3_JOBS, PHASE4_JOBS, type RegisteredJob } from '../jobs/registry.ts';
import { gatePhase, isGoOn, isPending, type StoredDecision } from '../decisions/store.ts';
import type { Facts } from './facts.ts';

export type PhaseKey = 'phase3' | 'phase4';

export type PhaseState =
  | { kind: 'not started' }
  | { kind: 'running'; holder: string }
  | { kind: 'attempted'; missing: number; failed: number; interrupted: number; neverRun: number; deleted: number }
  | { kind: 'waiting'; gate: string; title: string; recommendation: string | null; reason: string; since: string; evidenceDigest: string }
  | { kind: 'decided'; gate: string; answer: string; note: string | null; by: string; documented: number }
  | { kind: 'done' };

/** Gates whose go-on answer accepts the failed dates in front of them. */
const FAILURE_GATES = new Set(['2.4.1', '4.2.1', '3.1.6', '3.4.1']);
const QUALITY_GATE = '3.3.2';

/** The key a season's decisions and leases go by: its id, with the part when it is not the regular season ('2021-22 postseason'). */
export function seasonKey(s: Season): string {
  return s.part === 'regular' || !s.part ? s.id : `${s.id} ${s.part}`;
}

export const jobsOf = (phase: PhaseKey): RegisteredJob[] => (phase === 'phase3' ? PHASE3_JOBS : PHASE4_JOBS);

/** Game dates a job must have rows for in a season. */
export function expectedFor(job: RegisteredJob, season: Season, f: Facts): string[] {
  let dates = f.gameDates.filter((d) => d >= season.start && d <= season.end);
  if (job.scope) { const s = f.scopeDates.get(job.scope.table) ?? new Set(); dates = dates.filter((d) => s.has(d)); }
  if (job.phase === 'phase_4_precompute') dates = dates.filter((d) => !isBootstrap(d));
  return dates;
}

const isRerunnable = (errors: string | null) => /Interrupted|Abandoned/.test(errors ?? '');

export function phaseState(season: Season, phase: PhaseKey, f: Facts, self?: string): PhaseState {
  const holder = f.leases.find((l) => l.season === seasonKey(season) && l.phase === phase && l.run_id !== self && !f.isStale(l));
  if (holder) return { kind: 'running', holder: `${holder.operator}@${holder.host} (${holder.script}, pid ${holder.pid})` };

  const decisions = f.decisions.filter((d) => d.season === seasonKey(season) && gatePhase(d.gate) === phase);
  const last = decisions.at(-1);
  if (last && isPending(last.effect)) {
    // Since the first of the stops in a row at this gate: how long it has been waiting.
    let k = decisions.length - 1;
    while (k > 0 && isPending(decisions[k - 1].effect) && decisions[k - 1].gate === last.gate) k--;
    return { kind: 'waiting', gate: last.gate, title: last.gate_title, recommendation: last.recommendation, reason: last.reason, since: decisions[k].decided_at, evidenceDigest: last.evidence_digest };
  }

  let missing = 0, failed = 0, interrupted = 0, neverRun = 0, deleted = 0, documented = 0, touched = 0;
  let acceptedBy: StoredDecision | null = null;
  for (const job of jobsOf(phase)) {
    const present = f.present.get(job.processorName) ?? new Set();
    const latest = f.latest.get(job.processorName) ?? new Map();
    for (const [d, a] of latest) if (d >= season.start && d <= season.end && a.skip_reason !== 'no_games') touched++;
    for (const d of expectedFor(job, season, f)) {
      if (present.has(d)) { touched++; continue; }
      const a = latest.get(d);
      if (!a) { neverRun++; missing++; continue; }
      if (a.status === 'success') { deleted++; missing++; continue; }
      if (a.status === 'failed' && !isRerunnable(a.errors)) {
        const ok = decisions.filter((x) => FAILURE_GATES.has(x.gate) && isGoOn(x.effect) && x.answer !== 'rerun' && x.decided_at >= a.started_at).at(-1);
        if (ok) { documented++; acceptedBy = ok; continue; }
        failed++;
      } else interrupted++;
      missing++;
    }
  }
  if (!touched && !decisions.length) return { kind: 'not started' };
  if (missing) return { kind: 'attempted', missing, failed, interrupted, neverRun, deleted };
  if (phase === 'phase4' && !decisions.some((d) => d.gate === QUALITY_GATE && isGoOn(d.effect))) {
    return { kind: 'attempted', missing: 0, failed: 0, interrupted: 0, neverRun: 0, deleted: 0 };
  }
  if (documented && acceptedBy) return { kind: 'decided', gate: acceptedBy.gate, answer: acceptedBy.answer ?? '', note: acceptedBy.note, by: `${acceptedBy.operator} (${acceptedBy.answered_by})`, documented };
  return { kind: 'done' };
}

export const isComplete = (s: PhaseState) => s.kind === 'done' || s.kind === 'decided';

/** What the go-on answer did with the failed dates: only "document" wrote a note on them; "proceed", "continue" went past them. */
const settled = (answer: string) => (answer === 'document' ? 'documented' : 'accepted');

/** One short cell for a table (≤ 40 characters); the full story is in `describeState`. */
export function stateCell(s: PhaseState): string {
  switch (s.kind) {
    case 'not started': case 'done': return s.kind;
    case 'running': return `running: ${s.holder}`.slice(0, 40);
    case 'attempted': return s.missing ? `open: ${s.missing} missing` : 'open: 3.3.2 unanswered';
    case 'waiting': return `waiting at ${s.gate}`;
    case 'decided': return `decided: ${s.answer} (${s.documented} ${settled(s.answer)})`;
  }
}

/** A sentence an operator can act on. */
export function describeState(phase: PhaseKey, s: PhaseState): string {
  const name = phase === 'phase3' ? 'Phase 3' : 'Phase 4';
  switch (s.kind) {
    case 'not started': return `${name}: not started`;
    case 'done': return `${name}: done — every expected date has its rows and every gate went on`;
    case 'running': return `${name}: running — ${s.holder} holds it`;
    case 'waiting': return `${name}: waiting for a decision at ${s.gate} ${s.title} since ${s.since.slice(0, 19).replace('T', ' ')} UTC — ${s.recommendation ? `recommended ${s.recommendation}: ` : ''}${s.reason}`;
    case 'decided': return `${name}: decided at ${s.gate}: ${s.answer}${s.note ? ` — "${s.note}"` : ''} by ${s.by}; ${s.documented} processor-date(s) ${settled(s.answer)} as failed`;
    case 'attempted': {
      if (!s.missing) return `${name}: every date is there, but the quality gate (3.3.2) has not been answered`;
      const parts = [s.failed && `${s.failed} failed without a decision`, s.interrupted && `${s.interrupted} interrupted or abandoned`, s.neverRun && `${s.neverRun} never run`, s.deleted && `${s.deleted} succeeded but their rows are gone`].filter(Boolean);
      return `${name}: ${s.missing} processor-date(s) missing (${parts.join(', ')})`;
    }
  }
}
