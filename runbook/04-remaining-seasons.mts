#!/bin/sh
//bin/true; exec node "${0%/*}/../lib/start/launch.mjs" "$0" "$@"  # starts from a prebuilt bundle: lib/start/launch.mjs
/**
 * # Step 4: Repeat for Remaining Seasons
 *
 * For each season not yet complete — judged from the run history, the dates
 * each table holds and the recorded decisions, so a second run resumes where
 * the first stopped and asks again any gate that stopped it — run Step 2
 * (Phase 3, parallel), validate Phase 3, then Step 3 (Phase 4, sequential
 * only). The current season (2024-25) ends at the as-of date.
 * `--seasons 2022-23,2023-24` chooses. One run per season at a time: a second
 * run of a season another run holds stops naming it, or waits with `--wait`.
 *
 * Each season's postseason (play-in and playoffs) runs right after its regular
 * season, the same way (`--part postseason`): props are traded on those games
 * too, and the original's ranges stop at the regular season's last day.
 * `--regular-season-only` follows the original's ranges alone.
 */
import { checkStep, gateStep } from '../lib/notebook/steps.ts';
import { isMain, main, type RunbookDef } from '../lib/notebook/notebook.ts';
import { checkSeason, type RawFlags } from '../lib/notebook/flags.ts';
import { SEASONS, partLabel, seasonAsOf, type Season } from '../lib/seasons/calendar.ts';
import { partStatuses, seasonParts, seasonStatuses, type SeasonStatus } from '../lib/backfill/season-status.ts';
import { seasonKey } from '../lib/state/model.ts';
import { compareWithExpected } from '../lib/backfill/validate.ts';
import { phase3CompleteGate } from '../lib/gates/phase3-complete.ts';
import { UsageError } from '../lib/notebook/errors.ts';
import type { Row } from '../lib/warehouse/types.ts';
import { runbook as phase3 } from './02-phase3.mts';
import { runbook as phase4 } from './03-phase4.mts';

/**
 * Where each season stands, per phase — a row per regular season and one per
 * postseason: not started, running (another run holds it), open (dates missing
 * without a decision: failed, interrupted, never run, or rows deleted since),
 * waiting for a decision at a gate, decided (missing dates documented at a
 * gate), or done. The ones not done are run below, oldest first.
 */
const status = checkStep<{ postseason: boolean }, SeasonStatus[]>({
  id: '4.1', title: 'Season Status From the Run History, the Data and the Decisions',
  commands: (ctx) => seasonParts(SEASONS, ctx.asOf, { postseason: true }).map((s) => {
    const part = s.part === 'regular' ? '' : ` --part ${s.part}`;
    return `./runbook/02-phase3.mts --season ${s.id}${part} && ./runbook/03-phase4.mts --season ${s.id}${part}`;
  }),
  async run(ctx, opts) {
    const rows = await seasonStatuses(ctx.w, ctx.asOf, SEASONS, { ...opts, dataset: ctx.opts.decisionsDataset, self: ctx.runId });
    // The ranges are in the commands above; the states need the width.
    ctx.out.table(['season', 'part', 'game_dates', 'phase3', 'phase4', 'next'], rows as never);
    for (const r of rows) for (const l of r.story.filter((x) => !/: (done|not started)/.test(x))) ctx.out.info(`${r.season} ${r.part} ${l}`);
    if (!opts.postseason) ctx.out.info('--regular-season-only: the postseasons (play-in and playoffs) are left out, as in the original\'s ranges.');
    return rows;
  },
});

/** Validate Phase 3 complete for the season before its Phase 4 starts. */
const phase3Done = checkStep<void, Row[]>({
  id: '4.2', title: 'Validate Phase 3 Complete (Run Validation Query)',
  run: (ctx) => compareWithExpected(ctx, 'phase3'),
});

/** Phase 4 reads every Phase 3 table: go on only when they hold their expected dates. */
const phase3Gate = gateStep<Row[]>({ id: '4.2.1', title: 'Phase 3 Complete?', ...phase3CompleteGate() });

/** Where Phase 4 resumes for a gate that stopped it: a job's failures gate (3.1.6) is asked again only by running the jobs. */
const resumePoint = (gate: string | null) => (gate && !gate.startsWith('3.1.') ? gate : null);

/**
 * --seasons S1,S2, or --season S (one season, as in Steps 2 and 3); default: all.
 * Run oldest first, each once; a date range is not a season, so it is refused.
 */
function chosenSeasons(flags: RawFlags, asOf: string): Season[] {
  if (flags['start-date'] !== undefined || flags['end-date'] !== undefined) throw new UsageError('--start-date/--end-date: Step 4 runs whole seasons; choose them with --seasons 2022-23,2023-24 (or --season 2022-23)');
  if (flags.season !== undefined && flags.seasons !== undefined) throw new UsageError('give --season S or --seasons S1,S2, not both');
  const given = flags.seasons ?? flags.season;
  const list = given === undefined ? SEASONS.map((s) => s.id) : String(given).split(',').map((s) => s.trim()).filter(Boolean);
  if (!list.length) throw new UsageError('--seasons is empty; e.g. --seasons 2022-23,2023-24');
  const twice = list.find((id, k) => list.indexOf(id) !== k);
  if (twice) throw new UsageError(`--seasons names ${twice} twice; each season runs once, e.g. --seasons 2022-23,2023-24`);
  const seasons = list.map((id) => checkSeason(id));
  return SEASONS.filter((s) => seasons.includes(s)).map((s) => seasonAsOf(s, asOf));
}

export const runbook: RunbookDef = {
  script: '04-remaining-seasons',
  title: 'Step 4: Repeat for Remaining Seasons',
  defaultRange: (asOf) => ({ start: SEASONS[0].start, end: asOf }),
  resume: 'history',
  startsJobs: true,
  options: [
    { name: 'seasons', kind: 'string', valueName: 'S1,S2', help: `seasons to run, oldest first (default: every season not complete; ${SEASONS.map((s) => s.id).join(', ')})` },
    { name: 'regular-season-only', kind: 'flag', help: "the original's ranges alone: leave out each season's postseason (play-in and playoffs)" },
  ],
  steps: [status, phase3Done, phase3Gate],
  includes: [phase3, phase4],
  checkFlags: (flags, opts) => { chosenSeasons(flags, opts.asOf); },
  async flow(nb, flags) {
    const postseason = flags['regular-season-only'] !== true;
    const wanted = seasonParts(chosenSeasons(flags, nb.ctx.asOf), nb.ctx.asOf, { postseason });
    await nb.check(status, { postseason });
    for (const season of wanted) {
      const label = partLabel(season);
      // The season's leases first, then its state afresh: another run may have moved it on meanwhile.
      await nb.withLease(seasonKey(season), ['phase3', 'phase4'], async () => {
        const [st] = await partStatuses(nb.w, [season], { dataset: nb.opts.decisionsDataset, self: nb.ctx.runId });
        if (st.next === 'done') { nb.out.ok(`${label}: Phase 3 and Phase 4 done — skipped (phase 3 ${st.phase3}, phase 4 ${st.phase4})`); return; }
        // A phase waiting at a gate resumes there; one with dates missing runs again (each date is replaced atomically).
        if (st.next === 'phase 3' && st.resumeAt !== phase3Gate.id) await nb.runSection(phase3, season, st.resumeAt);
        const seasonNb = nb.forSeason(season);
        const rows = await seasonNb.check(phase3Done, undefined);
        if (rows) await seasonNb.gate(phase3Gate, rows);
        await nb.runSection(phase4, season, st.next === 'phase 4' ? resumePoint(st.resumeAt) : null);
      });
    }
    await nb.check(status, { postseason });
  },
};

if (isMain(import.meta.url)) await main(runbook);
