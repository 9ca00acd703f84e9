/**
 * Expected Outcomes: the original's rows as Step 5 keeps them to check against
 * the data (lib/final/outcomes.ts), read at render time and only if that module
 * imports; otherwise rendered from the job list. Either way with what each
 * table should hold as a rule, since the counts need the warehouse.
 */
import { MIN_ZONE_SHOTS } from '../jobs/phase4/player_shot_zone_analysis.ts';
import { SEASONS } from '../seasons/calendar.ts';
import { QUALITY_POLICY } from '../gates/quality.ts';
import { allSteps, stepLink, type Section } from './context.ts';
import type { JobInfo } from './jobs.ts';
import { code, table, text } from './md.ts';
import type { LoadedScript } from './scripts.ts';
import type { Block } from './steps.ts';

export interface OriginalOutcome { phase: string; table: string; original: string; notes: string }

export async function loadOriginalOutcomes(): Promise<OriginalOutcome[] | null> {
  try {
    const mod = (await import('../final/outcomes.ts')) as { ORIGINAL_OUTCOMES?: OriginalOutcome[] };
    return Array.isArray(mod.ORIGINAL_OUTCOMES) ? mod.ORIGINAL_OUTCOMES : null;
  } catch {
    return null;
  }
}

/** What each job's table should hold, as a rule: the counts need the warehouse. */
function dataRule(j: JobInfo | undefined): string {
  if (!j) return '';
  if (j.phase === 'phase_4_precompute') return `game dates minus the bootstrap days (7 per season, ${SEASONS.length * 7} in all)`;
  return j.scopeTable ? `game dates with rows in ${code(j.scopeTable)}` : 'every final game date';
}

export function outcomesSection(scripts: LoadedScript[], jobs: readonly JobInfo[], original: readonly OriginalOutcome[] | null | undefined): Section {
  const blocks: Block[] = [['After successful backfill:']];
  const jobOf = (t: string) => jobs.find((j) => j.table.split('.').pop() === t);
  const checker = allSteps(scripts).find((st) => /expected outcomes/i.test(st.title));
  if (original?.length) {
    blocks.push([`The original's figures are approximate; what each table should hold follows from the schedule, so the counts need the warehouse${checker ? `: ${stepLink(checker)} checks every row against the data` : ''}.`]);
    blocks.push(table(['Phase', 'Table', 'Expected Dates (original)', 'Notes', 'From the data'],
      original.map((o) => [text(o.phase), text(o.table), text(o.original), text(o.notes), dataRule(jobOf(o.table))])));
  } else {
    blocks.push([`> Rendered from the job list and the calendar (no script provides the original's rows): the counts need the warehouse${checker ? `, and ${stepLink(checker)} checks them` : ''}.`]);
    blocks.push(table(['Phase', 'Table', 'Expected Dates', 'Notes'], jobs.map((j) => {
      const [phase, note] = j.phase === 'phase_4_precompute' ? ['Phase 4', 'Minus bootstrap periods']
        : j.scopeTable ? ['Phase 3', j.scopeTable.includes('odds') ? 'Limited by odds data' : `Limited by ${code(j.scopeTable)}`] : ['Phase 3', 'All game dates'];
      return [phase, j.table.split('.').pop()!, dataRule(j), note];
    })));
  }
  const { afterWeek, goodPct } = QUALITY_POLICY;
  blocks.push(['**Quality expectations:**'], [
    `- First 2-3 weeks of each season: degraded quality (limited history). Ours: weeks 1-${afterWeek} are shown, not judged (week 1 is bootstrap: no records).`,
    `- After week ${afterWeek}: ${goodPct}%+ should be "Good" quality (${code('completeness_pct >= 90')}).`,
    `- Shot zones will be NULL for most historical data (play-by-play sparse). Ours: a zone split needs ${MIN_ZONE_SHOTS} play-by-play shots in a player's last 10 games, else the zone columns are NULL; 5.4.1 measures the NULL share per season and says why when it is not most.`,
  ], [
    "**Scope:** the original's figures count every game date (its ~650 is about the ~675 game dates of the scope, postseason included), but its per-season ranges stop at each regular season's last day. "
      + `Ours: Step 4 runs each postseason (play-in and playoffs) after its regular season (${code('--regular-season-only')} follows the original's ranges alone), and 5.4 expects the dates of the scope that was run, naming any scope left out with the command that fills it.`,
  ]);
  return { title: 'Expected Outcomes', blocks };
}

