/**
 * The notebook runtime: walks a script's steps, prints what each runs, asks at
 * gates and before data changes, records every answer in the journal, and turns
 * every failure into one line and a documented exit code. Scripts hold only
 * their steps and their flow; everything here is shared.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { openWarehouse } from '../warehouse/open.ts';
import { showParam } from '../warehouse/params.ts';
import { jsonSafe } from '../warehouse/normalize.ts';
import { WarehouseError, type QueryResult, type Row, type Warehouse } from '../warehouse/types.ts';
import { connectWarehouse } from './connect.ts';
import { warehouseWaits } from './env.ts';
import { finalGameDates } from '../queries/phase2.ts';
import { SEASONS, partLabel, type Season } from '../seasons/calendar.ts';
import { EXIT, GateStop, Interrupted, QuitRequested, StepFailed, UsageError } from './errors.ts';
import { COMMON_OPTIONS, checkPositional, helpText, parseArgv, positionalHelp, resolveCommon, type CommonOptions, type DateRange, type OptionSpec, type PositionalSpec, type RawFlags } from './flags.ts';
import { Journal, type JournalEvent } from './journal.ts';
import { listenForPlans } from '../monitor/plans.ts';
import { DecisionStore, evidenceDigest, gatePhase, isPending, type AnsweredBy } from '../decisions/store.ts';
import { fileAnswer } from '../decisions/answers-file.ts';
import { LeaseHeld, LeaseTable, type Lease } from '../lease/lease.ts';
import { seasonKey } from '../state/model.ts';
import { requireRunner } from '../platform/index.ts';
import { Output } from './output.ts';
import { Cancelled, enquirerPrompter, requireNote, type Prompter, type PromptIO } from './prompt.ts';
import type { ActionStep, CheckStep, GateStep, RunContext, SqlStep, Step, StepContext } from './steps.ts';

export interface RunbookDef {
  /** File stem: '01-validate-phase2'. */
  script: string;
  title: string;
  /** The range when no --season or dates are given; null: the script needs one. */
  defaultRange: ((asOf: string) => DateRange) | null;
  steps: Step[];
  /** Flags of this script alone, beside the common ones. */
  options?: OptionSpec[];
  /** 'history': the script works out where to resume by itself (Step 4), so resuming is re-running it. */
  resume?: 'from-step' | 'history';
  /** The phase whose lease a season's run takes before its jobs start (one runbook per season and phase). */
  lease?: 'phase3' | 'phase4';
  /** The script starts backfill jobs (Steps 2-4): a runner able to start them is checked with the flags. */
  startsJobs?: boolean;
  /** Lines printed under the title (the original's notes at the head of a step). */
  intro?(ctx: StepContext): string[];
  /** A positional argument (a subcommand), checked before anything is opened; flow receives it. */
  positional?: PositionalSpec;
  /** Checks this script's own flags (throw UsageError), after the common ones, before anything is opened. */
  checkFlags?(flags: RawFlags, opts: CommonOptions): void;
  /** Other sections this script runs (Step 4 runs Steps 2 and 3): their steps may be answered too. */
  includes?: RunbookDef[];
  /** Only reads (the monitor): the warehouse is opened read-only, never created, migrated or seeded. */
  readOnly?: boolean;
  /** false: steps are not journalled (a refresh loop would write every frame). */
  journalSteps?: boolean;
  flow(nb: Notebook, flags: RawFlags, positionals: string[]): Promise<void>;
}

export interface RunIO extends PromptIO {
  /** Where human output goes (default process.stdout); prompts draw on `stdout` of PromptIO. */
  out?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
  prompter?: Prompter;
  /** Injected in tests; scripts use the real warehouse from the flags. */
  warehouse?: Warehouse;
}

interface JsonStep { id: string; title: string; kind: string; sql: string | null; params: Record<string, string> | null; rows: Row[] | null }
/** answer null: the run stopped at this gate unanswered (--yes would not pass it). */
interface JsonGate { id: string; title: string; evidence: Row[]; recommendation: string | null; reason: string; answer: string | null; note: string | null }

export class Notebook {
  readonly ctx: RunContext;
  readonly out: Output;
  private reached: boolean;
  private readonly asked = new Set<string>();
  /** Evidence digests at which --yes took a gate's repair: the same evidence again means the repair did nothing. */
  private readonly repairedWith = new Map<string, string>();
  private _current: string | null = null;
  /** The recorded decisions (runbook_decisions), shared by the run's notebooks. */
  readonly decisions: DecisionStore;
  private readonly leases: LeaseTable;
  /** Leases this run holds, with how many sections are inside each (a season's Step 4 and its Step 2 share one). */
  private readonly held: Map<string, { lease: Lease; depth: number }>;
  private readonly wanted: (() => Promise<void>)[];
  /** SQL steps started ahead of their turn (prefetch), by step id, with the data-changing steps run before them. */
  private readonly early = new Map<string, { key: string; actions: number; result: Promise<{ result: QueryResult; ms: number }> }>();
  /** Data-changing steps run so far: a result read before one of them is stale. */
  private actions = 0;

  constructor(
    readonly def: RunbookDef,
    readonly opts: CommonOptions,
    w: Warehouse,
    out: Output,
    private readonly journal: Journal,
    private readonly prompter: Prompter,
    runId: string,
    signal: AbortSignal,
    /** What --json prints: shared with the per-season notebooks of Step 4. */
    readonly record: { steps: JsonStep[]; gates: JsonGate[] } = { steps: [], gates: [] },
    private readonly parent: Notebook | null = null,
  ) {
    this.out = out;
    this.reached = opts.from === null;
    this.ctx = {
      range: opts.range, season: opts.season, asOf: opts.asOf, project: opts.project,
      w, out, opts, runId, signal, script: def.script, stepId: () => this.current,
    };
    this.decisions = parent?.decisions ?? new DecisionStore(w, opts.decisionsDataset, { keep: true });
    // A script with gates reads its scope's decisions once, while its first steps run.
    if (!parent && def.steps.some((s) => s.kind === 'gate')) this.decisions.prefetch(this.scopeKey);
    this.leases = parent?.leases ?? new LeaseTable(w, opts.decisionsDataset);
    this.held = parent?.held ?? new Map();
    this.wanted = parent?.wanted ?? [];
  }

  /** What a decision is about: the season, or the range when the run is not one season. */
  private get scopeKey(): { season: string | null; scope: string } {
    return { season: this.opts.season ? seasonKey(this.opts.season) : null, scope: `${this.opts.range.start}..${this.opts.range.end}` };
  }

  /**
   * Runs fn holding the season's lease for each phase: a second run of the same
   * season waits (--wait) or stops with exit 3 naming the holder. Re-entrant
   * within a run; released when fn ends, however it ends.
   */
  async withLease<T>(season: string, phases: ('phase3' | 'phase4')[], fn: () => Promise<T>, o: { lazy?: boolean } = {}): Promise<T> {
    const keys = phases.map((phase) => ({ season, phase }));
    const taken: string[] = [];
    const take = async () => {
      for (const k of keys) {
        const key = `${k.season}|${k.phase}`;
        if (taken.includes(key)) continue;
        const have = this.held.get(key);
        if (have) { have.depth++; taken.push(key); continue; }
        const lease = await this.leases.acquire(k, {
          runId: this.ctx.runId, script: this.def.script, operator: this.opts.user, host: this.opts.host, pid: process.pid,
        }, { wait: this.opts.wait, signal: this.ctx.signal, say: (m) => this.out.warn(m) });
        this.held.set(key, { lease, depth: 1 });
        taken.push(key);
      }
    };
    // Lazy: taken just before the first data-changing step runs, so a run that only reads (or fails at its first prompt) writes nothing.
    if (o.lazy) this.wanted.push(take);
    try {
      if (!o.lazy) await take();
      return await fn();
    } finally {
      if (o.lazy) this.wanted.splice(this.wanted.indexOf(take), 1);
      for (const key of taken.reverse()) {
        const h = this.held.get(key)!;
        if (--h.depth === 0) { this.held.delete(key); await h.lease.release().catch(() => undefined); }
      }
    }
  }

  /** Takes the leases a section asked for lazily (before its first data change). */
  private async takeWantedLeases(): Promise<void> {
    for (const take of [...this.wanted]) await take();
  }

  /** Releases whatever this run still holds (the error boundary's last act). */
  async releaseLeases(): Promise<void> {
    for (const [key, h] of this.held) { this.held.delete(key); await h.lease.release().catch(() => undefined); }
  }

  get w(): Warehouse { return this.ctx.w; }
  get steps(): JsonStep[] { return this.record.steps; }
  get gates(): JsonGate[] { return this.record.gates; }
  /** The step being run, for resume hints (a season's notebook reports to the run's). */
  get current(): string | null { return this._current; }
  set current(id: string | null) { this._current = id; if (this.parent) this.parent.current = id; }

  /**
   * This notebook over one season (Step 4 runs Steps 2 and 3 per season): same
   * warehouse, journal, prompts and record; --from applies to the whole run only.
   */
  forSeason(season: Season, def: RunbookDef = this.def, from: string | null = null): Notebook {
    const opts: CommonOptions = { ...this.opts, season, range: { start: season.start, end: season.end }, from };
    return new Notebook(def, opts, this.w, this.out, this.journal, this.prompter, this.ctx.runId, this.ctx.signal, this.record, this);
  }

  /**
   * Another section's flow for a season, inside this run; `from` resumes it at
   * a step (a gate waiting for a decision), as --from would.
   */
  async runSection(def: RunbookDef, season: Season, from: string | null = null): Promise<void> {
    const child = this.forSeason(season, def, from);
    this.out.heading(`${def.title} — ${partLabel(season)} (${season.start} .. ${season.end})${from ? ` — resuming at ${from}` : ''}`);
    for (const l of def.intro?.(child.ctx) ?? []) this.out.info(l);
    const flow = () => def.flow(child, {}, []);
    await (def.lease ? this.withLease(seasonKey(season), [def.lease], flow, { lazy: true }) : flow());
  }

  /**
   * --from: gates and data-changing steps before the named one are skipped, in
   * flow order. Read-only steps before it still run: they are cheap, and a later
   * step (a gate's evidence, a repair's list of dates) needs what they found.
   * A step declared after the named one counts as reached even when the flow
   * never passes the named one itself (a gate asked only when dates failed).
   */
  private shouldRun(step: Step): boolean {
    if (!this.reached && this.isAtOrAfterFrom(step)) this.reached = true;
    if (this.ctx.signal.aborted) throw new Interrupted(step.id);
    this.current = step.id;
    this.resumeFrom(null);
    return this.reached || step.kind === 'sql' || step.kind === 'check';
  }

  private isAtOrAfterFrom(step: Step): boolean {
    const from = this.opts.from;
    if (step.id === from || step.id.startsWith(`${from}.`)) return true;
    const order = this.def.steps.map((s) => s.id);
    const at = order.findIndex((id) => id === from || id.startsWith(`${from}.`));
    const here = order.indexOf(step.id);
    return at >= 0 && here >= 0 && here > at;
  }

  /** The latest recorded decision of this gate in this scope, when it is a stop still waiting for an answer. */
  private async pendingDecision(gateId: string) {
    const last = await this.decisions.latest(gateId, this.scopeKey);
    return last && isPending(last.effect) ? last : null;
  }

  private _resumeAt: string | null = null;

  /**
   * Where a stop here should resume, when that is not the current step (a gate
   * after a Phase 4 job resumes at the next job). Cleared at every step.
   */
  resumeFrom(id: string | null): void {
    this._resumeAt = id;
    this.parent?.resumeFrom(id);
  }

  get resumePoint(): string | null { return this._resumeAt ?? this._current; }

  /** Step events, unless the script repeats its steps (the monitor journals its start and end only). */
  private logStep(e: Extract<JournalEvent, { event: 'step' }>): void {
    if (this.def.journalSteps !== false) this.journal.write(e);
  }

  private skip(step: Step, why: string): null {
    this.out.note(`   skipped ${step.id} ${step.title} (${why})`);
    this.logStep({ event: 'step', script: this.def.script, id: step.id, title: step.title, kind: step.kind, status: 'skipped' });
    return null;
  }

  /** --step: Run / Skip / Quit before every step. */
  private async confirmStep(step: Step, why: string): Promise<boolean> {
    const given = this.takeAnswer(step.id);
    let choice = given?.choice ?? (this.opts.yes ? 'run' : null);
    if (!choice) {
      if (!this.prompter.interactive) throw new UsageError(`step ${step.id} needs confirmation and there is no terminal: re-run with --yes or --answer ${step.id}=run|skip|quit`);
      choice = await this.ask(step, () => this.prompter.select(`${why} — ${step.id} ${step.title}`, [
        { value: 'run', label: 'Run' }, { value: 'skip', label: 'Skip' }, { value: 'quit', label: 'Quit' },
      ], 'run'));
    }
    if (!['run', 'skip', 'quit'].includes(choice)) throw new UsageError(`--answer ${step.id}=${choice}: choose run, skip or quit`);
    if (choice === 'quit') throw new QuitRequested(step.id);
    return choice === 'run';
  }

  /** An --answer, else the answers file's line for this gate (the season's own first); each answers the first time a gate is asked. */
  private takeAnswer(id: string): { choice: string; note?: string; by: 'flag' | 'answers-file'; rule: string } | undefined {
    if (this.asked.has(id)) return undefined;
    this.asked.add(id);
    const flag = this.opts.answers.get(id);
    if (flag) return { ...flag, by: 'flag', rule: `--answer ${id}=${flag.choice}` };
    const season = this.opts.season?.id ?? null;
    const f = fileAnswer(this.opts.answersFile, id, season);
    if (f) return { choice: f.choice, note: f.note, by: 'answers-file', rule: `--answers ${this.opts.answersFile!.path} line ${f.line}` };
    return undefined;
  }

  /**
   * Asks the operator. The journal says the script is waiting (the monitor shows
   * it); Ctrl+C at a prompt is Ctrl+C: interrupted (130), with the resume command.
   */
  private async ask<T>(step: Step, fn: () => Promise<T>): Promise<T> {
    this.journal.write({ event: 'ask', script: this.def.script, id: step.id, title: step.title });
    try { return await fn(); } catch (e) {
      if (e instanceof Cancelled) throw new Interrupted(this.current);
      throw e;
    }
  }

  /**
   * Starts the queries of read-only SQL steps the flow prints next, so that they
   * run side by side (on BigQuery, jobs in parallel) instead of one after the
   * other. Each is still shown at its turn, as it would be; a result read before
   * a data-changing step is dropped and the query run again.
   */
  prefetch(steps: SqlStep[]): void {
    if (this.opts.step) return; // asked before each step: a query the operator may skip is not run ahead
    for (const step of steps) {
      const q = step.query(this.ctx);
      const t0 = Date.now();
      const result = this.w.query(q.sql, q.params, { label: `${this.def.script}/${step.id}`, timeoutMs: step.timeoutMs })
        .then((r) => ({ result: r, ms: Date.now() - t0 }));
      result.catch(() => undefined); // a failure is met again when the step runs it at its turn
      this.early.set(step.id, { key: queryKey(q), actions: this.actions, result });
    }
  }

  /** The step's result started by prefetch, when it is still what the step would read now. */
  private takeEarly(step: SqlStep, q: { sql: string; params: Record<string, unknown> }): Promise<{ result: QueryResult; ms: number } | null> | null {
    const e = this.early.get(step.id);
    this.early.delete(step.id);
    return e && e.actions === this.actions && e.key === queryKey(q) ? e.result.catch(() => null as never) : null;
  }

  /** Runs one of the original's queries and prints its table like `bq --format=pretty`. */
  async sql(step: SqlStep): Promise<QueryResult | null> {
    if (!this.shouldRun(step)) return this.skip(step, `--from ${this.opts.from}`);
    this.out.step(step.id, step.title);
    if (this.opts.step && !(await this.confirmStep(step, 'Next step'))) return this.skip(step, 'skipped by operator');
    const q = step.query(this.ctx);
    if (!step.quiet) {
      this.out.code((this.w.datasets?.sql(q.sql) ?? q.sql).trim()); // the tables it really reads (a sandbox renames them)
      this.showParams(q.params);
    }
    let t0 = Date.now();
    let result: QueryResult;
    try {
      const early = await this.takeEarly(step, q);
      // Started early: the time shown is the query's own, not the wait at its turn.
      if (early) t0 = Date.now() - early.ms;
      result = early?.result ?? await this.w.query(q.sql, q.params, { label: `${this.def.script}/${step.id}`, timeoutMs: step.timeoutMs });
    } catch (e) {
      this.logStep({ event: 'step', script: this.def.script, id: step.id, title: step.title, kind: 'sql', status: 'failed', sql: q.sql, error: (e as Error).message });
      throw e;
    }
    const ms = Date.now() - t0;
    this.out.line();
    const shown = step.display?.(result);
    if (shown) this.out.table(shown.columns, shown.rows, { empty: step.empty });
    else this.out.table(result.columns, result.rows, { empty: step.empty });
    for (const l of step.explain?.(result, this.ctx) ?? []) this.out.info(l);
    // BigQuery bills by bytes scanned: say what this cost. (--max-bytes-billed refuses an over-budget
    // query before it runs, so no dry run ahead of it: a job of its own for bytes this result carries.)
    const bytes = result.stats?.bytesProcessed;
    this.out.note(`   ${result.rows.length} row(s) in ${ms} ms${bytes === undefined ? '' : `, ${formatBytes(bytes)} processed`}`);
    this.logStep({
      event: 'step', script: this.def.script, id: step.id, title: step.title, kind: 'sql', status: 'ran',
      sql: q.sql, params: paramText(q.params), rowCount: result.rows.length, ms,
      bytesProcessed: result.stats?.bytesProcessed, jobIds: result.stats?.jobIds,
    });
    this.steps.push({ id: step.id, title: step.title, kind: 'sql', sql: q.sql, params: paramText(q.params), rows: result.rows });
    return result;
  }

  private showParams(params: Record<string, unknown>): void {
    const entries = Object.entries(paramText(params as never));
    if (entries.length) this.out.note(`    -- parameters: ${entries.map(([k, v]) => `@${k} = ${v}`).join(', ')}`);
  }

  /** A read-only check computed in code. */
  async check<I, O>(step: CheckStep<I, O>, input: I): Promise<O | null> {
    if (!this.shouldRun(step)) return this.skip(step, `--from ${this.opts.from}`);
    this.out.step(step.id, step.title);
    if (this.opts.step && !(await this.confirmStep(step, 'Next step'))) return this.skip(step, 'skipped by operator');
    for (const c of step.commands?.(this.ctx) ?? []) this.out.code(`$ ${c}`);
    const result = await step.run(this.ctx, input);
    this.logStep({ event: 'step', script: this.def.script, id: step.id, title: step.title, kind: 'check', status: 'ran' });
    this.steps.push({ id: step.id, title: step.title, kind: 'check', sql: null, params: null, rows: Array.isArray(result) ? (jsonSafe(result) as Row[]) : null });
    return result;
  }

  /** A data-changing step: shows its plan and commands, asks Run / Skip / Quit, then runs. */
  async action<I, O>(step: ActionStep<I, O>, input: I, o: { confirmedAt?: string } = {}): Promise<O | null> {
    if (!this.shouldRun(step)) return this.skip(step, `--from ${this.opts.from}`);
    this.out.step(step.id, step.title);
    for (const l of step.plan(this.ctx, input)) this.out.info(l);
    for (const c of step.commands(this.ctx, input)) this.out.code(`$ ${c}`);
    // A gate that just confirmed these very commands is the confirmation; asking twice teaches people to click through.
    if (o.confirmedAt) this.out.note(`   confirmed at ${o.confirmedAt}`);
    else if (!(await this.confirmStep(step, 'This changes data'))) return this.skip(step, 'skipped by operator');
    await this.takeWantedLeases();
    const t0 = Date.now();
    this.actions++;
    const result = await step.run(this.ctx, input);
    const interrupted = this.ctx.signal.aborted;
    this.logStep({ event: 'step', script: this.def.script, id: step.id, title: step.title, kind: 'action', status: interrupted ? 'failed' : 'ran', ms: Date.now() - t0, error: interrupted ? 'interrupted (Ctrl+C)' : undefined });
    if (interrupted) throw new Interrupted(step.id);
    this.steps.push({ id: step.id, title: step.title, kind: 'action', sql: null, params: null, rows: Array.isArray(result) ? (jsonSafe(result) as Row[]) : null });
    return result;
  }

  /**
   * A decision point. Shows the evidence, applies the rule, states the
   * recommendation and why, then takes the answer from --answer, --yes or the
   * operator. Returns the chosen value; a 'stop' choice ends the script (exit 3).
   */
  async gate<E>(step: GateStep<E>, evidence: E, o: { resumeAt?: string } = {}): Promise<string | null> {
    // --from never skips a gate whose decision is pending: a stop stays a stop until it is answered.
    const pending = await this.pendingDecision(step.id);
    if (!this.shouldRun(step) && !pending) return this.skip(step, `--from ${this.opts.from}`);
    if (o.resumeAt) this.resumeFrom(o.resumeAt);
    this.out.step(step.id, step.title);
    if (pending) this.out.warn(`   ${step.id} is waiting for a decision (stopped ${pending.decided_at.slice(0, 19).replace('T', ' ')} UTC by ${pending.operator}): asked again with fresh evidence${this.opts.from ? ', --from notwithstanding' : ''}`);
    const rows = step.evidence(evidence);
    this.out.table(Object.keys(rows[0] ?? {}), rows);
    this.out.line();
    this.out.info(this.out.c.bold('Decision table'));
    for (const r of step.table()) this.out.info(`  • ${r.when} → ${r.action}`);
    const d = step.decide(evidence);
    const rec = step.choices.find((c) => c.value === d.recommendation);
    this.out.line();
    if (rec) this.out.info(`${this.out.c.bold('Recommendation:')} ${rec.label} — ${d.reason}`);
    else this.out.info(`${this.out.c.bold('No recommendation:')} ${d.reason}`);

    const given = this.takeAnswer(step.id);
    let answer: string;
    let note: string | undefined = given?.note;
    let by: AnsweredBy;
    let rule: string | null = null;
    const record = (a: { answer: string | null; effect: 'proceed' | 'repair' | 'stop' | 'pending'; note?: string; by: AnsweredBy; rule: string | null }) => this.decisions.record({
      run_id: this.ctx.runId, script: this.def.script, ...this.scopeKey, phase: gatePhase(step.id), gate: step.id, gate_title: step.title,
      evidence_digest: evidenceDigest(jsonSafe(rows)), evidence: JSON.stringify(jsonSafe(rows)).slice(0, 100_000),
      recommendation: d.recommendation, reason: d.reason, answer: a.answer, effect: a.effect, note: a.note ?? null,
      answered_by: a.by, rule: a.rule, operator: this.opts.user, host: this.opts.host,
    });
    if (given) {
      if (!step.choices.some((c) => c.value === given.choice)) {
        const where = given.by === 'flag' ? `--answer ${step.id}=${given.choice}` : `${given.rule}: ${step.id}=${given.choice}`;
        throw new UsageError(`${where}: choose one of ${step.choices.map((c) => c.value).join(', ')}`);
      }
      answer = given.choice;
      by = given.by;
      rule = given.rule;
    } else if (this.opts.yes) {
      // An operator's own stop holds under --yes until the evidence changes: --yes never overrules a person.
      const overruled = pending && pending.effect === 'stop' && pending.evidence_digest === evidenceDigest(jsonSafe(rows));
      if (overruled) {
        await record({ answer: pending.answer, effect: 'stop', by: 'pending', rule: `--yes keeps ${pending.operator}'s stop: the evidence has not changed since` });
        throw new GateStop(step.id, `gate ${step.id} (${step.title}) stays stopped: ${pending.operator} answered "${pending.answer}" on ${pending.decided_at.slice(0, 19).replace('T', ' ')} UTC and the evidence has not changed since; --yes does not overrule it`);
      }
      // --yes takes a recommendation that goes on or repairs (a re-run), but not the same repair twice over unchanged evidence.
      const digest = evidenceDigest(jsonSafe(rows));
      const futile = rec?.effect === 'repair' && this.repairedWith.get(step.id) === digest;
      if (!rec || rec.effect === 'stop' || futile) {
        const why = futile ? `the recommended "${rec!.label}" already ran and changed nothing` : rec ? `the recommendation is "${rec.label}"` : 'there is no recommendation';
        // The stop is state: a resumed run finds this gate waiting and asks it again. On record, in the journal and --json.
        await record({ answer: null, effect: 'pending', by: 'pending', rule: `--yes stops: ${why}` });
        this.journal.write({ event: 'gate', script: this.def.script, id: step.id, title: step.title, evidence: rows, recommendation: d.recommendation, reason: d.reason, answer: null, answeredBy: 'yes', note: `not passed under --yes: ${why}` });
        this.gates.push({ id: step.id, title: step.title, evidence: jsonSafe(rows) as Row[], recommendation: d.recommendation, reason: d.reason, answer: null, note: `not passed under --yes: ${why}` });
        throw new GateStop(step.id, `gate ${step.id} (${step.title}) was not passed under --yes: ${why} — ${d.reason}`);
      }
      if (rec.effect === 'repair') this.repairedWith.set(step.id, digest);
      answer = rec.value;
      by = 'yes';
      rule = `--yes takes the recommendation "${rec.label}" (${rec.effect}) — ${d.reason}`;
      if (rec.needsNote) note = `accepted under --yes: ${d.reason}`;
    } else {
      if (!this.prompter.interactive) {
        throw new UsageError(`gate ${step.id} needs an answer and there is no terminal: re-run with --answer ${step.id}=${step.choices.map((c) => c.value).join('|')}${rec ? ` (recommended: ${rec.value})` : ''}, or --yes`);
      }
      answer = await this.ask(step, () => this.prompter.select(step.question, step.choices.map((c) => ({
        value: c.value, label: c.value === rec?.value ? `${c.label} (recommended)` : c.label,
      })), rec?.value));
      by = 'operator';
    }
    const chosen = step.choices.find((c) => c.value === answer)!;
    if (chosen.needsNote && !note) {
      if (by === 'answers-file') throw new UsageError(`${rule}: ${step.id}=${answer} needs a note saying why: ${step.id}=${answer}:<why>`);
      if (by === 'flag' || !this.prompter.interactive) throw new UsageError(`--answer ${step.id}=${answer} needs a note saying why: --answer "${step.id}=${answer}:<why>"`);
      note = await this.ask(step, () => this.prompter.input('Note for the record (what is missing and why it is acceptable)', { validate: requireNote }));
    }
    this.out.ok(`${step.id}: ${chosen.label}${note ? ` — note: ${note}` : ''} (${by === 'operator' ? 'answered' : by === 'flag' ? 'from --answer' : by === 'answers-file' ? `from ${rule}` : 'from --yes'})`);
    await record({ answer, effect: chosen.effect, note, by, rule });
    this.journal.write({ event: 'gate', script: this.def.script, id: step.id, title: step.title, evidence: rows, recommendation: d.recommendation, reason: d.reason, answer, answeredBy: by, rule: rule ?? undefined, note });
    this.gates.push({ id: step.id, title: step.title, evidence: jsonSafe(rows) as Row[], recommendation: d.recommendation, reason: d.reason, answer, note: note ?? null });
    if (chosen.effect === 'stop') throw new GateStop(step.id, `stopped at gate ${step.id} (${chosen.label})`);
    return answer;
  }
}

function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let k = 0;
  while (n >= 1024 && k < units.length - 1) { n /= 1024; k++; }
  return `${k ? n.toFixed(1) : n} ${units[k]}`;
}

/** A query and its parameters as one comparable string. */
function queryKey(q: { sql: string; params: Record<string, unknown> }): string {
  return JSON.stringify([q.sql, q.params]);
}

function paramText(params: Record<string, Parameters<typeof showParam>[0]>): Record<string, string> {
  return Object.fromEntries(Object.entries(params).map(([k, v]) => [k, showParam(v)]));
}

/** Prints the whole plan without running anything: what --dry-run promises. */
function printPlan(def: RunbookDef, ctx: StepContext, out: Output, json: JsonStep[]): void {
  out.heading(`${def.title} — dry run (nothing is run, nothing is written)`);
  for (const l of def.intro?.(ctx) ?? []) out.info(l);
  for (const step of def.steps) {
    out.step(step.id, step.title);
    let sql: string | null = null;
    let params: Record<string, string> | null = null;
    if (step.kind === 'sql') {
      const q = step.query(ctx);
      sql = q.sql;
      params = paramText(q.params);
      out.code(q.sql.trim());
      out.note(`    -- parameters: ${Object.entries(params).map(([k, v]) => `@${k} = ${v}`).join(', ') || 'none'}`);
    } else if (step.kind === 'gate') {
      out.info(step.question);
      for (const r of step.table()) out.info(`  • ${r.when} → ${r.action}`);
    } else if (step.kind === 'action') {
      out.info('changes data; asks Run / Skip / Quit first (or --yes / --answer)');
      for (const c of step.commands(ctx, undefined)) out.code(`$ ${c}`);
    } else {
      for (const c of step.commands?.(ctx) ?? []) out.code(`$ ${c}`);
    }
    json.push({ id: step.id, title: step.title, kind: step.kind, sql, params, rows: null });
  }
}

/** argv without the --answer of one gate. */
export function withoutAnswer(argv: string[], gateId: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--answer' && argv[i + 1]?.startsWith(`${gateId}=`)) { i++; continue; }
    if (argv[i].startsWith(`--answer=${gateId}=`)) continue;
    out.push(argv[i]);
  }
  return out;
}

/** The command that picks up where this run stopped. */
export function resumeCommand(script: string, argv: string[], stepId: string | null): string {
  const kept: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--from') { i++; continue; }
    if (argv[i].startsWith('--from=')) continue;
    kept.push(argv[i]);
  }
  return `./runbook/${script}.mts ${[...kept, ...(stepId ? ['--from', stepId] : [])].join(' ')}`.replace(/\s+/g, ' ').trim();
}

/** The one error boundary of a script: parse, prepare, run the flow, report, exit code. */
export async function runScript(def: RunbookDef, argv: string[], io: RunIO = {}): Promise<number> {
  const specs = [...COMMON_OPTIONS, ...(def.options ?? [])];
  const stderr = io.stderr ?? process.stderr;
  let opts: CommonOptions;
  let flags: RawFlags;
  let positionals: string[];
  try {
    ({ flags, positionals } = parseArgv(argv, specs));
    if (flags.help) {
      const usage = `./runbook/${def.script}.mts ${def.positional ? `<${def.positional.name}> ` : ''}[options]`;
      const args = def.positional ? `${positionalHelp(def.positional)}\n\n` : '';
      process.stdout.write(`${def.title}\n\n${args}${helpText(usage, specs)}\n\nsteps: ${def.steps.map((s) => s.id).join(', ')}\n`);
      return EXIT.done;
    }
    if (def.positional) positionals = [checkPositional(def.positional, positionals)];
    else if (positionals.length) throw strayArgument(positionals[0]);
    opts = resolveCommon(flags, def.defaultRange);
    def.checkFlags?.(flags, opts);
    if (def.startsJobs && !opts.dryRun) requireRunner(opts);
    if (opts.from && !def.steps.some((s) => s.id === opts.from || s.id.startsWith(`${opts.from}.`))) {
      throw new UsageError(`--from ${opts.from}: no such step; steps are ${def.steps.map((s) => s.id).join(', ')}`);
    }
    checkAnswers(def, opts.answers);
  } catch (e) {
    if (e instanceof UsageError) {
      stderr.write(`error: ${e.message}\n`);
      // --json promises one document on stdout, bad input included.
      if (argv.some((a) => a === '--json')) process.stdout.write(`${JSON.stringify({ script: def.script, exitCode: e.exitCode, error: e.message })}\n`);
      return e.exitCode;
    }
    throw e;
  }

  const out = new Output({ json: opts.json, stdout: io.out as never, stderr: stderr as never });
  const json = { script: def.script, range: opts.range, steps: [] as JsonStep[], gates: [] as JsonGate[], exitCode: 0 as number, error: undefined as string | undefined };
  const emitJson = (code: number) => {
    json.exitCode = code;
    if (opts.json) process.stdout.write(`${JSON.stringify(jsonSafe(json), null, 2)}\n`);
    return code;
  };

  if (opts.dryRun) {
    const ctx: StepContext = { range: opts.range, season: opts.season, asOf: opts.asOf, project: opts.project };
    printPlan(def, ctx, out, json.steps);
    return emitJson(EXIT.done);
  }

  const runId = `${def.script}-${new Date().toISOString().replace(/[-:.TZ]/g, '').slice(0, 14)}-${randomUUID().slice(0, 8)}`;
  const journal = new Journal(opts.journal, runId);
  const abort = new AbortController();
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts > 1) { stderr.write('\nsecond Ctrl+C: exiting now\n'); process.exit(EXIT.interrupted); }
    stderr.write('\nCtrl+C: finishing the current statement, then stopping (Ctrl+C again to exit at once)…\n');
    abort.abort();
  };
  process.on('SIGINT', onSigint);
  const t0 = Date.now();
  let code: number = EXIT.done;
  let nb: Notebook | null = null;
  let w: Warehouse | null = io.warehouse ?? null;
  let stopListening = () => {};
  try {
    // The title first: an operator sees at once what started, before the warehouse opens.
    out.heading(`${def.title}  (${opts.range.start} .. ${opts.range.end}, ${opts.backend})`);
    let gamesChecked = false;
    const checkGames = async (x: Warehouse) => { await requireGames(x, opts); gamesChecked = true; };
    w ??= def.readOnly ? await openReadOnly(opts, out) : await connectWarehouse(opts, out, { alongside: checkGames });
    if (!gamesChecked) await checkGames(w);
    for (const l of def.intro?.({ range: opts.range, season: opts.season, asOf: opts.asOf, project: opts.project }) ?? []) out.info(l);
    journal.write({ event: 'start', script: def.script, args: argv, user: opts.user, host: opts.host, pid: process.pid, range: opts.range, backend: opts.backend });
    stopListening = listenForPlans((p) => journal.write({
      event: 'run', script: def.script, history_run_id: p.historyRunId, processor: p.processor, job: p.job,
      total: p.total, first: p.first, last: p.last, host: opts.host, pid: process.pid,
    }));
    nb = new Notebook(def, opts, w, out, journal, io.prompter ?? enquirerPrompter(io), runId, abort.signal);
    const flow = () => def.flow(nb!, flags, positionals);
    // A season's Step 2 or 3 holds the season's lease for its phase while it runs.
    await (def.lease && opts.season ? nb.withLease(seasonKey(opts.season), [def.lease], flow, { lazy: true }) : flow());
    out.line();
    out.ok(`${def.title}: done. Journal: ${opts.journal}`);
  } catch (e) {
    code = reportFailure(e, out, stderr, def, argv, nb?.resumePoint ?? null);
    json.error = e instanceof Error ? e.message : String(e);
  } finally {
    stopListening();
    await nb?.releaseLeases();
    process.off('SIGINT', onSigint);
    if (!io.warehouse) await w?.close().catch(() => undefined);
  }
  json.steps = nb?.steps ?? [];
  json.gates = nb?.gates ?? [];
  const stoppedAt = code === EXIT.done ? null : nb?.resumePoint ?? null;
  const resume = stoppedAt ? resumeCommand(def.script, argv, def.resume === 'history' ? null : stoppedAt) : undefined;
  if (nb) journal.write({ event: 'end', script: def.script, exitCode: code, stoppedAt, resume, ms: Date.now() - t0 });
  return emitJson(code);
}

/** An argument without -- where the script takes none: a forgotten flag name, most likely. */
function strayArgument(arg: string): UsageError {
  const hint = /^\d{4}-\d{2}$/.test(arg) ? `; did you mean --season ${arg}?` : /^\d{4}-\d{2}-\d{2}$/.test(arg) ? `; did you mean --start-date ${arg}?` : '';
  return new UsageError(`unexpected argument ${JSON.stringify(arg)}${hint} (this script takes flags only; see --help)`);
}

/** Every step a script can be asked about, its own and those of the sections it runs. */
function answerableSteps(def: RunbookDef): Step[] {
  return [...def.steps, ...(def.includes ?? []).flatMap(answerableSteps)];
}

/** --answer names a step the script has, with one of its choices: else nothing would ever read it. */
export function checkAnswers(def: RunbookDef, answers: CommonOptions['answers']): void {
  const steps = answerableSteps(def);
  for (const [id, a] of answers) {
    const step = steps.find((s) => s.id === id);
    if (!step) {
      const gates = steps.filter((s) => s.kind === 'gate' || s.kind === 'action').map((s) => s.id);
      throw new UsageError(`--answer ${id}=${a.choice}: ${def.script} has no step ${id}; gates and data-changing steps: ${[...new Set(gates)].join(', ') || 'none'}`);
    }
    const choices = step.kind === 'gate' ? step.choices.map((c) => c.value) : ['run', 'skip', 'quit'];
    if (!choices.includes(a.choice)) throw new UsageError(`--answer ${id}=${a.choice}: choose one of ${choices.join(', ')}`);
  }
}

/** The monitor only reads: open the file read-only (it may be read-only on disk), never create or seed it. */
async function openReadOnly(opts: CommonOptions, out: Output): Promise<Warehouse> {
  if (opts.backend === 'duckdb' && !fs.existsSync(opts.warehouse)) {
    throw new UsageError(`--warehouse ${opts.warehouse}: no such file; the first run of ./runbook/01-validate-phase2.mts creates it`);
  }
  return openWarehouse({
    backend: opts.backend, project: opts.project, file: opts.warehouse, readOnly: true,
    location: opts.location, endpoint: opts.bqEndpoint, maxBytesBilled: opts.maxBytesBilled,
    onWait: (m) => out.err.write(`${m}\n`),
    ...warehouseWaits(),
  });
}

/** A range without a single final game is bad input (exit 2), not an empty report. */
async function requireGames(w: Warehouse, opts: CommonOptions): Promise<void> {
  const ctx = { range: opts.range, season: opts.season, asOf: opts.asOf, project: opts.project };
  const q = finalGameDates(ctx);
  const r = await w.query(q.sql, q.params);
  if (!r.rows.length) throw new UsageError(`no final games between ${opts.range.start} and ${opts.range.end}; seasons run ${SEASONS.map((s) => `${s.id}: ${s.start}..${s.end}`).join(', ')}`);
}

function reportFailure(e: unknown, out: Output, stderr: NodeJS.WritableStream, def: RunbookDef, argv: string[], at: string | null): number {
  const resume = at ? `\n  resume with: ${resumeCommand(def.script, argv, def.resume === 'history' ? null : at)}` : '';
  if (e instanceof UsageError) { stderr.write(`error: ${e.message}\n`); return e.exitCode; }
  if (e instanceof LeaseHeld) { out.warn(`${e.message}\n  wait for it with: ${resumeCommand(def.script, argv.filter((a) => a !== '--wait'), null)} --wait`); return e.exitCode; }
  if (e instanceof GateStop) {
    // The resume command asks the gate again with fresh evidence (an --answer that stopped it is dropped); answering it is the other way on.
    const again = resumeCommand(def.script, withoutAnswer(argv, e.gateId), def.resume === 'history' ? null : at);
    out.warn(`${e.message}\n  resume with: ${again}\n  or answer it: ${again} --answer ${e.gateId}=<choice>`);
    return e.exitCode;
  }
  if (e instanceof QuitRequested) { out.warn(`${e.message}${resume}`); return e.exitCode; }
  if (e instanceof StepFailed) { out.fail(`${e.message}${resume}`); return e.exitCode; }
  if (e instanceof Interrupted) { out.warn(`interrupted at step ${e.stepId ?? at ?? '?'}${resume}`); return e.exitCode; }
  if (e instanceof WarehouseError) {
    stderr.write(`error: ${e.message}${resume}\n`);
    return ['BUSY', 'CORRUPT', 'UNWRITABLE', 'NO_CREDENTIALS', 'PERMISSION', 'NOT_FOUND'].includes(e.code) ? EXIT.badInput : EXIT.failed;
  }
  stderr.write(`error: unexpected failure: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
  return EXIT.failed;
}

/** True when this module is the script node was asked to run (not imported by a test). */
export function isMain(metaUrl: string): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  return new URL(metaUrl).pathname === entry || new URL(metaUrl).pathname.replace(/\.mts$/, '') === entry.replace(/\.mts$/, '');
}

/** What each script's last line calls: run with argv, exit with the code. */
export async function main(def: RunbookDef): Promise<void> {
  const code = await runScript(def, process.argv.slice(2));
  process.exitCode = code;
}
