/**
 * "Phase 4 has 0 records for some dates": each such game date is bootstrap
 * (the first 7 days of a season: 0 records is correct), outside the backfilled
 * per-season ranges (play-in and playoffs: never run), or a real gap — and for
 * a gap, the run history says why.
 */
import { SEASONS, isBootstrap, seasonOfDate } from '../seasons/calendar.ts';
import type { DateRange } from '../notebook/flags.ts';
import type { Row } from '../warehouse/types.ts';
import type { LatestAttempt } from '../calendar-view/states.ts';
import { gapReason } from '../final/gaps.ts';
import { inRanges } from '../final/ranges.ts';

export interface ZeroRow { game_date: string; game_date_number: number; table_name: string; records: number }

export type ZeroKind = 'bootstrap (expected)' | 'postseason (not backfilled)' | 'GAP';

export interface ZeroVerdict { game_date: string; game_date_number: number; verdict: ZeroKind; tables: string; why: string }

/** The original's list: "Oct 19-25 (2021), Oct 18-24 (2022), …", from the season calendar. */
export function bootstrapWindows(): string {
  const md = (d: string) => new Date(`${d}T00:00:00Z`).toLocaleDateString('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' });
  const end = (s: { start: string; bootstrapEnd: string }) => (s.start.slice(5, 7) === s.bootstrapEnd.slice(5, 7) ? md(s.bootstrapEnd).replace(/^\w+ /, '') : md(s.bootstrapEnd));
  return SEASONS.map((s) => `${md(s.start)}-${end(s)} (${s.year})`).join(', ');
}

function tablesText(tables: string[], all: number): string {
  return tables.length === all ? `all ${all}` : tables.join(', ');
}

/** One line per run of consecutive game dates with the same tables at 0: what the screen shows for T2.1. */
export function zeroRuns(rows: ZeroRow[], runOrder: readonly string[]): Row[] {
  return runs([...zerosByDate(rows, runOrder)].map(([date, d]) => ({ date, n: d.n, key: tablesText(d.tables, runOrder.length) })))
    .map((r) => ({ from: r.from, through: r.to, game_dates: r.count, tables_with_0_records: r.key }));
}

/** Date → its number among the game dates and its tables at 0, in run order. */
function zerosByDate(rows: ZeroRow[], runOrder: readonly string[]): Map<string, { n: number; tables: string[] }> {
  const byDate = new Map<string, { n: number; tables: string[] }>();
  for (const r of rows) {
    const d = byDate.get(r.game_date) ?? { n: r.game_date_number, tables: [] };
    d.tables.push(r.table_name);
    byDate.set(r.game_date, d);
  }
  for (const d of byDate.values()) d.tables.sort((a, b) => runOrder.indexOf(a) - runOrder.indexOf(b));
  return byDate;
}

/**
 * One verdict per date. `latest(table, date)` is the latest attempt of the
 * table's processor; `backfilled` are the per-season ranges the backfill covered.
 */
export function zeroVerdicts(
  rows: ZeroRow[], latest: (table: string, date: string) => LatestAttempt | undefined,
  backfilled: readonly DateRange[], runOrder: readonly string[],
): ZeroVerdict[] {
  const byDate = zerosByDate(rows, runOrder);
  return [...byDate].map(([date, { n, tables }]) => {
    const base = { game_date: date, game_date_number: n, tables: tablesText(tables, runOrder.length) };
    if (isBootstrap(date)) {
      const s = seasonOfDate(date)!;
      return { ...base, verdict: 'bootstrap (expected)', why: `first 7 days of ${s.id} (${s.start}..${s.bootstrapEnd}): too little history` };
    }
    if (!inRanges(date, backfilled)) return { ...base, verdict: 'postseason (not backfilled)', why: 'outside the per-season ranges the backfill ran' };
    // In run order; a table failing only for lack of an earlier one's output is a consequence, not a cause.
    const zero = new Set(tables);
    const causes = new Map<string, string[]>();
    let consequences = 0;
    for (const t of tables) {
      const reason = gapReason(latest(t, date));
      const outside = reason.missing.filter((m) => !zero.has(m.split('.').pop()!));
      if (reason.missing.length && !outside.length) { consequences++; continue; }
      const key = reason.missing.length ? `DependencyError (${outside.join(', ')})` : reason.key;
      causes.set(key, [...(causes.get(key) ?? []), t]);
    }
    const why = [
      ...[...causes].map(([k, ts]) => (ts.length === tables.length ? k : `${ts.join(', ')}: ${k}`)),
      ...(consequences ? [`${consequences} later table(s) lack those outputs`] : []),
    ].join('; ');
    return { ...base, verdict: 'GAP', why };
  });
}

/** Consecutive game dates with the same verdict and reason as one row. */
export function verdictRuns(v: ZeroVerdict[]): Row[] {
  return runs(v.map((x) => ({ date: x.game_date, n: x.game_date_number, key: `${x.verdict}\u0000${x.tables}\u0000${x.why}` }))).map((r) => {
    const [verdict, tables, why] = r.key.split('\u0000');
    return { dates: r.from === r.to ? r.from : `${r.from}..${r.to} (${r.count})`, verdict, tables, why };
  });
}

/** The counts, then each real gap with its reason. */
export function verdictSummary(v: ZeroVerdict[]): string[] {
  const n = (k: ZeroKind) => v.filter((x) => x.verdict === k).length;
  const gaps = v.filter((x) => x.verdict === 'GAP');
  return [
    `${n('bootstrap (expected)')} bootstrap date(s): 0 records is correct behaviour`,
    `${n('postseason (not backfilled)')} postseason date(s): outside the per-season ranges, never backfilled`,
    gaps.length ? `${gaps.length} date(s) are real gaps:` : 'no real gaps',
    ...gaps.map((g) => `  ${g.game_date} (${g.tables}): ${g.why}`),
  ];
}

function runs(items: { date: string; n: number; key: string }[]): { from: string; to: string; count: number; key: string }[] {
  const out: { from: string; to: string; count: number; key: string; last: number }[] = [];
  for (const it of items) {
    const run = out[out.length - 1];
    if (run && run.key === it.key && it.n === run.last + 1) { run.to = it.date; run.count++; run.last = it.n; }
    else out.push({ from: it.date, to: it.date, count: 1, key: it.key, last: it.n });
  }
  return out.map(({ last: _last, ...r }) => r);
}
