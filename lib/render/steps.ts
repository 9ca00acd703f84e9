/**
 * One step as markdown: its prose, how to run it, and what it runs — the SQL
 * from `query(ctx)` with its parameters and a pasteable `bq` line, the
 * commands of checks and actions, the decision table and choices of a gate.
 * Everything shown comes from the step object, so the document changes when
 * the code does.
 */
import type { PositionalSpec } from '../notebook/flags.ts';
import type { ActionStep, CheckStep, GateChoice, GateStep, SqlStep, Step, StepContext } from '../notebook/steps.ts';
import { bqCommand, parameterRows } from './bq.ts';
import { code, fence, table, text } from './md.ts';

export type Block = string[];

/** A script as the document shows it: the example context, its steps, its subcommands. */
export interface ScriptView {
  name: string;
  ctx: StepContext;
  /** In order: a step that needs an earlier step's result is run from there. */
  steps: readonly Step[];
  positional?: PositionalSpec;
}

/** `./runbook/02-phase3.mts --season 2021-22`, with a subcommand and extra arguments when given. */
export function scriptCommand(view: ScriptView, sub: string | null = null, ...extra: string[]): string {
  return [`./runbook/${view.name}.mts`, ...(sub ? [sub] : []), ...(view.ctx.season ? ['--season', view.ctx.season.id] : []), ...extra].join(' ');
}

export function stepHeading(step: Step): string {
  return `${step.id} ${step.title}`;
}

const group = (s: Step) => s.id.split('.')[0];

/**
 * The subcommand a step runs under. Nothing in the step says so; the ids do
 * (T1.x, T2.x, … in the order of the choices), so the groups are matched to
 * the choices only when there is exactly one group per choice.
 */
export function subcommandOf(view: ScriptView, step: Step): string | null {
  if (!view.positional) return null;
  const groups = [...new Set(view.steps.map(group))];
  const { choices, name } = view.positional;
  return groups.length === choices.length ? choices[groups.indexOf(group(step))].value : `<${name}>`;
}

/** A gate decides on evidence, and a step whose run declares an input gets it from the steps before it. */
function needsEarlierSteps(step: Step): boolean {
  return step.kind === 'gate' || ((step.kind === 'check' || step.kind === 'action') && step.run.length >= 2);
}

/**
 * The command that runs a step. `--from` skips what comes before, so a step
 * that needs an earlier result is run from the nearest query before it (or
 * from the start of its script or subcommand when there is none).
 */
export function runCommand(view: ScriptView, step: Step): { command: string; direct: boolean } {
  const sub = subcommandOf(view, step);
  const scope = sub && !sub.startsWith('<') ? view.steps.filter((s) => group(s) === group(step)) : view.steps;
  const before = scope.slice(0, Math.max(0, scope.indexOf(step)));
  const target = needsEarlierSteps(step) ? ([...before].reverse().find((s) => s.kind === 'sql') ?? scope[0]) : step;
  const command = target === scope[0] ? scriptCommand(view, sub) : scriptCommand(view, sub, '--from', target.id);
  return { command, direct: target === step };
}

const EFFECT: Record<GateChoice['effect'], string> = {
  proceed: 'goes on',
  repair: 'goes back to repair, then asks again',
  stop: 'stops the script here (exit 3)',
};

function runLine(kind: string, view: ScriptView, step: Step, extra: string[] = []): Block {
  const { command, direct } = runCommand(view, step);
  const how = direct ? `run from here: ${code(command)}` : `run: ${code(command)} (it needs the results of the steps before it)`;
  return [[`**${kind}**`, ...extra, how].join(' · ')];
}

function sqlBlocks(step: SqlStep, view: ScriptView): Block[] {
  const q = step.query(view.ctx);
  const timeout = step.timeoutMs ? [`timeout ${Math.ceil(step.timeoutMs / 1000)} s`] : [];
  const blocks: Block[] = [runLine('Query', view, step, timeout), fence('sql', q.sql.trim())];
  const params = parameterRows(q.params);
  if (params.length) blocks.push(table(['Parameter', 'Type', 'Value'], params.map(([n, t, v]) => [code(n), t, code(v)])));
  const file = `${step.id}.sql`;
  blocks.push([`In a shell, with the SQL above saved as ${code(file)}:`], fence('bash', bqCommand(q.params, file, step.timeoutMs)));
  if (step.empty) blocks.push([`No rows means: ${text(step.empty)}`]);
  return blocks;
}

function checkBlocks(step: CheckStep, view: ScriptView): Block[] {
  const cmds = step.commands?.(view.ctx) ?? [];
  return [
    runLine('Check (read-only)', view, step),
    cmds.length ? fence('bash', cmds.join('\n')) : ['Computed in code: there is no command to paste; the script runs it.'],
  ];
}

function actionBlocks(step: ActionStep, view: ScriptView): Block[] {
  const cmds = step.commands(view.ctx, undefined);
  return [
    runLine('Action — changes data', view, step, [`asks Run / Skip / Quit first (${code('--yes')} runs it)`]),
    fence('bash', cmds.join('\n')),
  ];
}

/** A gate's decision table and choices, from `table()` and `choices`: a changed threshold changes them. */
export function gateBlocks(step: GateStep, view: ScriptView): Block[] {
  const answer = `--answer ${step.id}=<choice>`;
  return [
    runLine('Decision point', view, step, [`answer ahead with ${code(answer)}`]),
    [`**${text(step.question)}**`],
    table(['Result', 'Recommends', 'Action'], step.table().map((r) => [text(r.when), r.choice ? code(r.choice) : '— (you decide)', text(r.action)])),
    table(['Choice', 'Meaning', 'Then'], step.choices.map((c) => [
      code(c.value), text(c.label),
      `${EFFECT[c.effect]}${c.needsNote ? `; needs a note: ${code(`--answer "${step.id}=${c.value}:<why>"`)}` : ''}`,
    ])),
    [`Under ${code('--yes')} the gate passes only when its recommendation goes on; otherwise the script stops (exit 3).`],
  ];
}

/** The heading, prose and body of one step. `level` is the heading level (3 for 2.1, 4 for 2.1.1). */
export function renderStep(step: Step, doc: string | null, view: ScriptView, level: number): Block[] {
  const body = step.kind === 'sql' ? sqlBlocks(step, view)
    : step.kind === 'gate' ? gateBlocks(step, view)
    : step.kind === 'action' ? actionBlocks(step, view)
    : checkBlocks(step, view);
  return [[`${'#'.repeat(level)} ${text(stepHeading(step))}`], ...(doc ? [doc.split('\n')] : []), ...body];
}
