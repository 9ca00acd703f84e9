/**
 * The original's Monitoring and Troubleshooting sections while their scripts
 * (runbook/monitor.mts, runbook/troubleshoot.mts) do not exist: rendered from
 * the steps that cover the same ground, and saying so.
 */
import type { GateStep, Step } from '../notebook/steps.ts';
import { SEASONS, seasonAsOf } from '../seasons/calendar.ts';
import { MONITOR_COMMAND } from '../preflight/checks.ts';
import { allSteps, stepLink, viewOf, type Section } from './context.ts';
import { code, fence, table, text } from './md.ts';
import type { LoadedScript } from './scripts.ts';
import { runCommand, type Block } from './steps.ts';

export /** Monitoring before monitor.mts exists: the command the pre-flight names, and the queries that cover it. */
function monitorFallback(scripts: LoadedScript[]): Section {
  const watch = allSteps(scripts).filter((st) => st.kind === 'sql' && /progress|failures/i.test(st.title));
  return {
    title: 'Monitoring Commands',
    blocks: [
      [`> ${code('runbook/monitor.mts')} is not written yet: this section is rendered from what exists.`],
      ['The Pre-Flight Checklist starts the monitor in a separate terminal with:'],
      fence('bash', MONITOR_COMMAND),
      ['Until it exists, run these steps\' queries from a separate terminal while the backfills run:'],
      watch.map((st) => `- ${stepLink(st)}`),
    ],
  };
}

/** Troubleshooting before troubleshoot.mts exists: the original's three entries, answered by the steps that handle them. */
export function troubleshootFallback(scripts: LoadedScript[], asOf: string): Section {
  const steps = allSteps(scripts);
  const depGates = steps.filter((st): st is GateStep => st.kind === 'gate' && st.table().some((r) => r.when.includes('DependencyError')));
  const reruns = steps.filter((st) => st.kind === 'action' && /re-run failed/i.test(st.title));
  const owner = (st: Step) => scripts.find((s) => s.def.steps.includes(st))!;
  const blocks: Block[] = [[`> ${code('runbook/troubleshoot.mts')} is not written yet: this section is rendered from what exists.`]];

  blocks.push(['### Processor Fails with DependencyError']);
  // Gates sharing one rule (Steps 2 and 3 use the same failure gate) are listed once.
  const byRule = new Map<string, { gates: GateStep[]; rows: string[][] }>();
  for (const g of depGates) {
    const rows = g.table().filter((r) => r.when.includes('DependencyError')).map((r) => [text(r.when), text(r.action)]);
    const key = JSON.stringify(rows);
    byRule.set(key, { gates: [...(byRule.get(key)?.gates ?? []), g], rows });
  }
  for (const { gates, rows } of byRule.values()) {
    blocks.push([`${gates.map(stepLink).join(' and ')} ${gates.length > 1 ? 'decide' : 'decides'} it:`], table(['Result', 'Action'], rows));
  }

  blocks.push(['### Phase 4 Has 0 Records for Some Dates']);
  blocks.push(['The first 7 days of each season are the bootstrap period: Phase 4 writes nothing for them and records them as skipped. That is correct behaviour.']);
  blocks.push(table(['Season', 'Bootstrap (0 Phase 4 records expected)'], SEASONS.map((s) => seasonAsOf(s, asOf)).map((s) => [s.id, `${s.start} .. ${s.bootstrapEnd}`])));

  blocks.push(['### Re-run Failed Dates Only']);
  for (const st of reruns) {
    const view = viewOf(owner(st), asOf);
    blocks.push([`${stepLink(st)}: ${code(runCommand(view, st).command)}, or by hand:`]);
    if (st.kind === 'action') blocks.push(fence('bash', st.commands(view.ctx, undefined).join('\n')));
  }
  return { title: 'Troubleshooting Quick Reference', blocks };
}

