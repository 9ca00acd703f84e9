/**
 * How far each season's backfill got, read from the run history, so Step 4
 * resumes where an earlier run stopped: a phase is done for a season when every
 * one of its jobs has a finished attempt (success, failed or skipped) for every
 * game date of the season's range. Each season's postseason (play-in and
 * playoffs) is a row of its own, right after its regular season.
 */
import { SEASONS, seasonAsOf, seasonPart, type Season } from '../seasons/calendar.ts';
import { p } from '../warehouse/params.ts';
import type { Warehouse } from '../warehouse/types.ts';
import { table } from '../queries/tables.ts';
import { PHASE3_JOBS, PHASE4_JOBS, type RegisteredJob } from '../jobs/registry.ts';

export interface SeasonStatus {
  season: string;
  /** 'regular season' (the original's range) or 'postseason' (play-in and playoffs). */
  part: string;
  start: string;
  end: string;
  game_dates: number;
  phase3: string;
  phase4: string;
  next: 'phase 3' | 'phase 4' | 'done';
}

async function attempted(w: Warehouse, jobs: RegisteredJob[], s: Season): Promise<number[]> {
  const r = await w.query<{ processor_name: string; attempted: number }>(
    `SELECT processor_name, COUNT(DISTINCT data_date) AS attempted
FROM ${table(w.project, 'nba_reference.processor_run_history')}
WHERE processor_name IN UNNEST(@processors) AND status != 'running'
  AND data_date BETWEEN @start_date AND @end_date
GROUP BY processor_name`,
    { processors: p.strings(jobs.map((j) => j.processorName)), start_date: p.date(s.start), end_date: p.date(s.end) },
  );
  return jobs.map((j) => r.rows.find((x) => x.processor_name === j.processorName)?.attempted ?? 0);
}

function label(counts: number[], total: number): string {
  const done = counts.filter((c) => c >= total).length;
  if (done === counts.length) return 'done';
  if (counts.every((c) => c === 0)) return 'not started';
  return `${done}/${counts.length} jobs done`;
}

/** Each season as run: its regular season, then (unless left out) its postseason, when it has one. */
export function seasonParts(seasons: readonly Season[], asOf: string, opts: { postseason: boolean }): Season[] {
  return seasons.flatMap((base) => {
    const whole = seasonAsOf(base, asOf);
    const post = opts.postseason ? seasonPart(whole, 'postseason') : null;
    return [seasonPart(whole, 'regular')!, ...(post ? [post] : [])];
  });
}

export async function seasonStatuses(w: Warehouse, asOf: string, seasons: readonly Season[] = SEASONS, opts: { postseason: boolean } = { postseason: true }): Promise<SeasonStatus[]> {
  return w.hold(async () => {
    const out: SeasonStatus[] = [];
    for (const s of seasonParts(seasons, asOf, opts)) {
      const g = await w.query<{ n: number }>(
        `SELECT COUNT(DISTINCT game_date) AS n FROM ${table(w.project, 'nba_raw.nbac_schedule')} WHERE game_status = 3 AND game_date BETWEEN @start_date AND @end_date`,
        { start_date: p.date(s.start), end_date: p.date(s.end) },
      );
      const total = g.rows[0]?.n ?? 0;
      const p3 = label(await attempted(w, PHASE3_JOBS, s), total);
      const p4 = label(await attempted(w, PHASE4_JOBS, s), total);
      out.push({ season: s.id, part: s.part === 'regular' ? 'regular season' : 'postseason', start: s.start, end: s.end, game_dates: total, phase3: p3, phase4: p4, next: p3 !== 'done' ? 'phase 3' : p4 !== 'done' ? 'phase 4' : 'done' });
    }
    return out;
  });
}
