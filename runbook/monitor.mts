#!/bin/sh
//bin/true; exec node "${0%/*}/../lib/start/launch.mjs" "$0" "$@"  # starts from a prebuilt bundle: lib/start/launch.mjs
/**
 * # Monitoring: Active Progress Monitor
 *
 * Run it in a separate terminal (a second tmux window) while backfills run:
 * every 5 minutes (`--interval 300`) it shows the last hour's activity and
 * failures, and a progress bar with an ETA for every backfill in flight, in any
 * process. It only reads: the embedded warehouse is opened read-only (a
 * read-only file will do) for each refresh and closed straight after, so a
 * backfill never waits on the monitor for long (and when a backfill holds the
 * file, the monitor waits and says so). The journal records its start and end,
 * not each refresh. `--once` prints one refresh and exits; Ctrl+C stops it.
 */
import { checkStep, sqlStep } from '../lib/notebook/steps.ts';
import { isMain, main, type RunbookDef } from '../lib/notebook/notebook.ts';
import { phase2Range } from '../lib/notebook/flags.ts';
import { recentActivity, recentFailures } from '../lib/queries/monitor.ts';
import { loadRunProgress, progressLines } from '../lib/monitor/running.ts';
import { loopOptions, refreshLoop, waitText } from '../lib/monitor/loop.ts';
import type { RunProgress } from '../lib/monitor/progress.ts';
import { seasonStatuses, type SeasonStatus } from '../lib/backfill/season-status.ts';
import { SEASONS } from '../lib/seasons/calendar.ts';

/**
 * RECENT ACTIVITY (last hour): per processor, the dates that succeeded and
 * failed in the last hour and the latest date reached.
 */
const activity = sqlStep({
  id: 'M.1', title: 'Recent Activity (last hour)', query: recentActivity, quiet: true,
  empty: 'No activity in the last hour.',
});

/**
 * FAILURES (last hour): the five latest failed attempts, with the start of the
 * error. The original's query as it wrote it, `LIMIT 5` included: the monitor
 * is a glance between refreshes, and the steps that decide on failures (2.4,
 * 3.4, 5.2) list every one.
 */
const failures = sqlStep({
  id: 'M.2', title: 'Failures (last hour)', query: recentFailures, quiet: true,
  empty: 'No failures in the last hour.',
});

/**
 * Backfills of the last hour (and any script still open in the journal), from
 * the run history and the journal together: a header per script run, the season
 * and part each of its backfills covers (`2021-22`, or `2021-22 postseason` for
 * the play-in and playoffs Step 4 runs after it), then a bar per processor over
 * the dates that run was asked to do (its plan, in the journal; with
 * `--runner command` the platform records its own run ids, which are matched to
 * the command the script journalled by processor, start time and dates). Each shows
 * what it is: done (and how long it took), running (ETA from that run's own
 * dates per second), waiting at a gate (which, for how long), stopped,
 * interrupted, or dead (no end recorded and its process gone, or 'running'
 * rows older than 30 minutes that nobody can check).
 */
const running = checkStep<void, RunProgress[]>({
  id: 'M.3', title: 'Backfills (last hour)',
  async run(ctx) {
    const runs = await loadRunProgress(ctx);
    if (!runs.length) ctx.out.info('No backfill in the last hour.');
    for (const l of progressLines(runs, Date.now(), ctx.out.width)) ctx.out.info(l);
    return runs;
  },
});

/**
 * Where each season stands, per phase (the same states as Step 4's 4.1): from
 * the run history, the dates each table holds and the recorded decisions — a
 * gate waiting for a decision, and rows deleted since a run, show here.
 */
const seasons = checkStep<void, SeasonStatus[]>({
  id: 'M.4', title: 'Season States',
  async run(ctx) {
    const rows = await seasonStatuses(ctx.w, ctx.asOf, SEASONS, { postseason: true, dataset: ctx.opts.decisionsDataset });
    ctx.out.table(['season', 'part', 'game_dates', 'phase3', 'phase4', 'next'], rows as never);
    for (const r of rows) for (const l of r.story.filter((x) => !/: (done|not started)/.test(x))) ctx.out.info(`${r.season} ${r.part} ${l}`);
    return rows;
  },
});

export const runbook: RunbookDef = {
  script: 'monitor',
  title: 'Monitoring: Active Progress Monitor',
  defaultRange: phase2Range,
  options: [
    { name: 'interval', kind: 'string', valueName: 'SECONDS', default: '300', help: 'seconds between refreshes (the original sleeps 300)' },
    { name: 'once', kind: 'flag', help: 'print one refresh and exit' },
  ],
  checkFlags: (flags) => { loopOptions(flags); },
  readOnly: true,
  journalSteps: false,
  steps: [activity, failures, running, seasons],
  async flow(nb, flags) {
    const loop = loopOptions(flags);
    await refreshLoop(nb.ctx.signal, { ...loop, onPause: () => nb.out.note(`Next refresh in ${waitText(loop.seconds)}... (Ctrl+C to stop)`) }, async () => {
      if (nb.out.human.isTTY && !loop.once) nb.out.human.write('\x1b[2J\x1b[H'); // clear, as the original does
      nb.out.heading(`=== BACKFILL MONITOR - ${new Date().toString()} ===`);
      // One open of the warehouse per refresh, closed at the end of it.
      await nb.w.hold(async () => {
        await nb.sql(activity);
        await nb.sql(failures);
        await nb.check(running, undefined);
        await nb.check(seasons, undefined);
      });
    });
  },
};

if (isMain(import.meta.url)) await main(runbook);
