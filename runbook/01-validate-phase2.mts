#!/bin/sh
//bin/true; exec node "${0%/*}/../lib/start/launch.mjs" "$0" "$@"  # starts from a prebuilt bundle: lib/start/launch.mjs
/**
 * # Pre-Flight Checklist and Step 1: Validate Phase 2 Data
 *
 * **Goal:** confirm Phase 2 has sufficient data before starting Phase 3.
 * Run it first, from the repository root; on a new machine the first run seeds
 * the embedded warehouse.
 */
import { actionStep, checkStep, gateStep, sqlStep } from '../lib/notebook/steps.ts';
import { isMain, main, type RunbookDef } from '../lib/notebook/notebook.ts';
import { phase2Range } from '../lib/notebook/flags.ts';
import { LIST_JOBS_COMMAND, MONITOR_COMMAND, listPrecomputeJobs, warnIfNoMultiplexer } from '../lib/preflight/checks.ts';
import { scraperQuery, scraperVerdict, type ScraperRow } from '../lib/preflight/boxscore-scraper.ts';
import { PHASE2_CHECKED, phase2Coverage, phase2MissingDates } from '../lib/queries/phase2.ts';
import { coverageCalendarStep } from '../lib/calendar-view/step.ts';
import { JOBS } from '../lib/jobs/registry.ts';
import { phase2Gate, type CoverageRow, type Phase2Evidence } from '../lib/gates/phase2-ready.ts';
import { adviceFor, missingRuns, missingWithLoads, reloadCommands, reloadMissing, reloadPlan, type MissingRow, type ReloadOutcome } from '../lib/repair/phase2.ts';

/**
 * Check that the Phase 4 backfill jobs exist: the five `precompute/…` jobs must
 * be listed, in the order they run.
 */
const jobsExist = checkStep({
  id: 'pre.1', title: 'Check Phase 4 backfill jobs exist',
  commands: () => [LIST_JOBS_COMMAND],
  async run(ctx) {
    const lines = await listPrecomputeJobs();
    for (const l of lines) ctx.out.info(l);
    if (lines.length < 5) throw new Error(`expected 5 precompute jobs, found ${lines.length}`);
    ctx.out.ok(`${lines.length} precompute jobs registered`);
  },
});

/**
 * Verify you are in tmux or screen: backfills run for hours, and a dropped SSH
 * connection must not kill them.
 */
const inMultiplexer = checkStep({
  id: 'pre.2', title: "Verify you're in tmux/screen",
  commands: () => ['tmux list-sessions  # or screen -ls'],
  async run(ctx) { warnIfNoMultiplexer(ctx.out); },
});

/**
 * Set up monitoring in a separate terminal (see Monitoring): it refreshes the
 * recent activity and failures every 5 minutes while the backfills run.
 */
const monitorHint = checkStep({
  id: 'pre.3', title: 'Set up monitoring in a separate terminal',
  commands: () => [MONITOR_COMMAND],
  async run(ctx) { ctx.out.info(`In another tmux window: ${MONITOR_COMMAND}`); },
});

/**
 * The original's prerequisite "player boxscore scraper fixed": the second
 * box-score source (`bdl_player_boxscores`) must have rows for the latest
 * final game dates (the last 3 up to the end of the range). If not, a
 * warning names the last date it has; the backfill still runs (the source is
 * optional in 1.2), but the player summary has no fallback on those dates.
 */
const scraperFixed = sqlStep({
  id: 'pre.4', title: 'Check the player boxscore scraper is fixed', query: scraperQuery, timeoutMs: 30_000,
  explain: (r) => {
    const v = scraperVerdict(r.rows as unknown as ScraperRow[]);
    return [`${v.ok ? '✔' : '!'} ${v.message}`];
  },
});

/**
 * Count the distinct dates each raw table holds against the final game dates
 * in the schedule. `pct` is `actual_dates / expected`: 100 means every game
 * date has data. Tables are sorted worst first, so the one to worry about is
 * on top. The schedule itself is listed as a sanity check (it should be 100).
 */
const coverage = sqlStep({ id: '1.1', title: 'Run Phase 2 Validation Query', query: phase2Coverage, timeoutMs: 60_000 });

/**
 * Decide whether Phase 2 is good enough for Phase 3. Critical tables feed the
 * Phase 3 processors directly; the optional one (the second box-score source)
 * only fills gaps. A critical table between 95% and 99%, which the original
 * leaves to you, is judged from the run history: fix (1.3) while a missing date
 * has not been re-loaded; once every re-load has failed, document and proceed.
 */
const ready = gateStep<Phase2Evidence>({ id: '1.2', title: 'Decision Point', ...phase2Gate() });

/**
 * Find every missing date per table (all of them, grouped into runs of
 * consecutive game dates), ready to be re-loaded.
 *
 * The original's query checks one table and stops at 20 dates:
 *
 * ```sql
 * WITH expected AS (
 *   SELECT DISTINCT game_date
 *   FROM `nba-props-platform.nba_raw.nbac_schedule`
 *   WHERE game_status = 3 AND game_date BETWEEN '2021-10-01' AND '2024-11-29'
 * ),
 * actual AS (
 *   SELECT DISTINCT game_date
 *   FROM `nba-props-platform.nba_raw.nbac_team_boxscore`
 * )
 * SELECT e.game_date as missing_date
 * FROM expected e
 * LEFT JOIN actual a ON e.game_date = a.game_date
 * WHERE a.game_date IS NULL
 * ORDER BY e.game_date
 * LIMIT 20
 * ```
 *
 * Ours (below) checks the three tables 1.2 judges and drops the `LIMIT 20`,
 * because 1.3.2 re-loads exactly the dates listed here: a cut at 20 would
 * leave the rest missing with nothing on screen saying so.
 */
const missing = sqlStep({
  id: '1.3', title: 'If Gaps Found - Find Missing Dates', query: phase2MissingDates, timeoutMs: 60_000,
  empty: 'No missing dates: every raw table has every final game date.',
  display: (r) => ({ columns: ['table_name', 'missing_from', 'missing_through', 'game_dates'], rows: missingRuns(r.rows as unknown as MissingRow[]) }),
});

/**
 * The same gaps as a calendar, one cell per date and table: present, missing,
 * failed (a re-load the source could not serve), or no games. Readable without colour.
 */
const calendar = coverageCalendarStep({
  id: '1.3.1', title: 'Coverage Calendar of the Raw Tables',
  sources: JOBS.filter((j) => j.phase === 'phase_2_raw' && PHASE2_CHECKED.some((t) => j.output.name === `nba_raw.${t}`)),
});

/**
 * Re-run the Phase 2 load of each table for its missing dates. Each date is
 * replaced atomically and recorded in the run history (`phase_2_raw`); a date
 * the source cannot provide is recorded as failed with the reason.
 */
const reload = actionStep<MissingRow[], ReloadOutcome[]>({
  id: '1.3.2', title: 'Fix Phase 2 - Re-run the Loads',
  commands: (_ctx, rows) => (rows ? reloadCommands(rows) : ['./bin/run_backfill.sh raw/<table> --dates=<missing dates>']),
  plan: (_ctx, rows) => reloadPlan(rows),
  async run(ctx, rows) {
    const outcomes = await reloadMissing(ctx, rows);
    ctx.out.table(['table_name', 'recovered', 'still_missing', 'still_missing_dates'], outcomes as never);
    for (const l of adviceFor(outcomes)) ctx.out.info(l);
    return outcomes;
  },
});

export const runbook: RunbookDef = {
  script: '01-validate-phase2',
  title: 'Step 1: Validate Phase 2 Data',
  defaultRange: phase2Range,
  steps: [jobsExist, inMultiplexer, monitorHint, scraperFixed, coverage, ready, missing, calendar, reload],
  async flow(nb) {
    await nb.check(jobsExist, undefined);
    await nb.check(inMultiplexer, undefined);
    await nb.check(monitorHint, undefined);
    await nb.sql(scraperFixed);
    for (;;) {
      const cov = await nb.sql(coverage);
      const decision = cov ? await nb.gate(ready, { coverage: cov.rows as unknown as CoverageRow[], missing: await missingWithLoads(nb.ctx) }) : null;
      if (decision === 'proceed' || decision === 'document') return;
      const gaps = await nb.sql(missing);
      if (!gaps?.rows.length) return;
      await nb.check(calendar, undefined);
      const outcome = await nb.action(reload, gaps.rows as unknown as MissingRow[]);
      if (!outcome) return; // skipped: nothing changed, so the gate would ask the same again
    }
  },
};

if (isMain(import.meta.url)) await main(runbook);
