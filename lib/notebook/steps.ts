/**
 * The kinds of step a runbook section is made of. A script declares its steps
 * as constants (each with a doc comment that is the step's prose in RUNBOOK.md)
 * and then walks them in a short flow. Declaring them as data lets a dry run
 * list the whole plan and lets the renderer show each step's real SQL.
 */
import type { Season } from '../seasons/calendar.ts';
import type { Params } from '../warehouse/params.ts';
import type { QueryResult, Row, Warehouse } from '../warehouse/types.ts';
import type { CommonOptions, DateRange } from './flags.ts';
import type { Output } from './output.ts';

/** What a query or command needs to know: enough to render it for any range. */
export interface StepContext {
  range: DateRange;
  season: Season | null;
  asOf: string;
  project: string;
}

/** What a running step has besides that: the warehouse, the output, the options. */
export interface RunContext extends StepContext {
  w: Warehouse;
  out: Output;
  opts: CommonOptions;
  /** The run id shared by everything this script invocation records. */
  runId: string;
  signal: AbortSignal;
  /** The script and the step running now, for what a step records itself (platform commands in the journal). */
  script?: string;
  stepId?(): string | null;
}

export interface Query { sql: string; params: Params }

interface StepBase { id: string; title: string }

/** Runs one of the original's queries and prints its table. */
export interface SqlStep extends StepBase {
  kind: 'sql';
  query(ctx: StepContext): Query;
  /** The original's `timeout 30`/`timeout 60`. */
  timeoutMs?: number;
  /** Printed under the table when there are no rows. */
  empty?: string;
  /** What the screen shows instead of the raw rows (e.g. dates grouped into runs); --json keeps the rows. */
  display?(result: QueryResult): { columns: string[]; rows: Row[] };
  /** A short reading of the result, printed under the table (e.g. expected vs actual). */
  explain?(result: QueryResult, ctx: StepContext): string[];
  /** Run without echoing the SQL (a monitor frame that redraws); --dry-run and RUNBOOK.md still show it. */
  quiet?: boolean;
}

/** A read-only check computed in code (pre-flight checks, comparisons). */
export interface CheckStep<I = void, O = unknown> extends StepBase {
  kind: 'check';
  /** Commands an operator would type for the same check (shown, and rendered). */
  commands?(ctx: StepContext): string[];
  run(ctx: RunContext, input: I): Promise<O>;
}

/** A step that changes data: it says what it will do and asks before it runs. */
export interface ActionStep<I = void, O = unknown> extends StepBase {
  kind: 'action';
  /** The exact commands it is equivalent to (`./bin/run_backfill.sh …`). */
  commands(ctx: StepContext, input: I | undefined): string[];
  /** Lines saying what will change, for the Run / Skip / Quit prompt. */
  plan(ctx: StepContext, input: I): string[];
  run(ctx: RunContext, input: I): Promise<O>;
}

export interface GateChoice {
  value: string;
  label: string;
  /** proceed: go on; repair: go back and fix; stop: end the script at this gate (exit 3). */
  effect: 'proceed' | 'repair' | 'stop';
  /** The operator must say why (e.g. "document and proceed"). */
  needsNote?: boolean;
}

export interface Decision {
  /** The recommended choice, or null where the runbook leaves it to the operator. */
  recommendation: string | null;
  reason: string;
}

/** A decision point: evidence, a rule, a recommendation with its reason, an answer. */
export interface GateStep<E = unknown> extends StepBase {
  kind: 'gate';
  question: string;
  choices: GateChoice[];
  /** The decision table (condition → choice), generated from the same thresholds `decide` uses. */
  table(): { when: string; choice: string | null; action: string }[];
  decide(evidence: E): Decision;
  /** The evidence as rows for the screen, the journal and --json. */
  evidence(evidence: E): Row[];
}

export type Step = SqlStep | CheckStep<any, any> | ActionStep<any, any> | GateStep<any>;

export function sqlStep(s: Omit<SqlStep, 'kind'>): SqlStep { return { kind: 'sql', ...s }; }
export function checkStep<I, O>(s: Omit<CheckStep<I, O>, 'kind'>): CheckStep<I, O> { return { kind: 'check', ...s }; }
export function actionStep<I, O>(s: Omit<ActionStep<I, O>, 'kind'>): ActionStep<I, O> { return { kind: 'action', ...s }; }
export function gateStep<E>(s: Omit<GateStep<E>, 'kind'>): GateStep<E> { return { kind: 'gate', ...s }; }
