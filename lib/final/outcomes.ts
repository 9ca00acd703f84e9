/**
 * The original's "Expected Outcomes" table, checked. For each row: the
 * original's approximate figure (and what it counts in this data), the figure
 * the data says to expect for the scope that was run (game dates of the regular
 * seasons and of each postseason that was run; minus bootstrap dates for Phase
 * 4; only dates with props lines for the player context), the actual figure,
 * met or not — met only when every expected date is present — and each
 * difference explained in words. Pure: facts in, rows out.
 */
import { formatRanges, isBootstrap } from '../seasons/calendar.ts';
import type { CoverageFacts, CoverageSource } from '../calendar-view/facts.ts';
import type { Row } from '../warehouse/types.ts';
import { count, inRanges } from './ranges.ts';
import { brief, gapReason } from './gaps.ts';
import { backfillScope, type BackfillScope, type ScopePart } from './scope.ts';

export interface OriginalOutcome { phase: 'Phase 3' | 'Phase 4'; table: string; original: string; notes: string }

/** As the original lists them (its table has no row for the feature store; it is checked too). */
export const ORIGINAL_OUTCOMES: OriginalOutcome[] = [
  { phase: 'Phase 3', table: 'player_game_summary', original: '~650', notes: 'All game dates' },
  { phase: 'Phase 3', table: 'team_defense_game_summary', original: '~650', notes: 'All game dates' },
  { phase: 'Phase 3', table: 'team_offense_game_summary', original: '~650', notes: 'All game dates' },
  { phase: 'Phase 3', table: 'upcoming_player_game_context', original: '~270', notes: 'Limited by odds data' },
  { phase: 'Phase 3', table: 'upcoming_team_game_context', original: '~650', notes: 'All game dates' },
  { phase: 'Phase 4', table: 'player_shot_zone_analysis', original: '~620', notes: 'Minus bootstrap periods' },
  { phase: 'Phase 4', table: 'team_defense_zone_analysis', original: '~620', notes: 'Minus bootstrap periods' },
  { phase: 'Phase 4', table: 'player_composite_factors', original: '~620', notes: 'Minus bootstrap periods' },
  { phase: 'Phase 4', table: 'player_daily_cache', original: '~620', notes: 'Minus bootstrap periods' },
  { phase: 'Phase 4', table: 'ml_feature_store', original: '—', notes: 'Not in the original table; minus bootstrap periods' },
];

export interface MissingDate {
  date: string;
  /** Why, from the latest attempt: 'never run', 'DependencyError (…)', 'failed: …', 'skipped: …'. */
  why: string;
  /** Upstream tables reported missing (DependencyError). */
  missing: string[];
  /** Of those, the Phase 2 tables whose re-load already failed for the date: the source has nothing. */
  unavailable: string[];
}

export interface TableOutcome {
  row: OriginalOutcome;
  source: CoverageSource;
  expected: string[];
  /** What the original's figure counts in this data: every final game date of the range, postseason included (same exclusions). */
  originalFromData: number;
  actual: number;
  met: boolean;
  /** Expected dates the table lacks, with the reason from the run history. */
  missing: MissingDate[];
  /** How the expected figure follows from the game dates (and why it differs from the original's). */
  basis: string[];
  /** Why the actual figure differs from the expected one. */
  difference: string[];
  /** The scope run (the same for every table): what the expected figure covers, and what was left out. */
  scope: BackfillScope;
}

export interface OutcomeOptions { asOf: string }

export function expectedOutcomes(facts: CoverageFacts, o: OutcomeOptions, rows: OriginalOutcome[] = ORIGINAL_OUTCOMES, scope: BackfillScope = backfillScope(facts, o.asOf)): TableOutcome[] {
  const inRange = (d: string) => d >= facts.range.start && d <= facts.range.end;
  const games = [...facts.gameDates].filter(inRange).sort();
  const ranges = scope.parts.filter((p) => p.inScope);
  const inScope = games.filter((d) => inRanges(d, ranges));
  const regular = scope.parts.filter((p) => p.part === 'regular');
  const regularGames = regular.reduce((n, p) => n + p.gameDates.length, 0);
  const postRun = ranges.filter((p) => p.part === 'postseason');
  const postLeft = scope.parts.filter((p) => p.part === 'postseason' && !p.inScope && p.gameDates.length);
  const partial = regular.find((p) => p.season.partial && p.end === o.asOf);

  return rows.flatMap((row) => {
    const t = facts.tables.find((x) => x.source.output.name.split('.').pop() === row.table);
    if (!t) return [];
    const phase4 = t.source.phase === 'phase_4_precompute';
    const basis = [`${count(games.length, 'final game date')} in ${facts.range.start}..${facts.range.end}`];
    basis.push(`regular seasons (the original's ranges): ${regularGames}`);
    const posts = (ps: ScopePart[]) => `${ps.reduce((n, p) => n + p.gameDates.length, 0)} (${ps.map((p) => `${p.season.id}: ${p.gameDates.length}`).join(', ')})`;
    if (postRun.length) basis.push(`postseasons run: ${posts(postRun)}`);
    if (postLeft.length) basis.push(`postseasons left out (not expected): ${posts(postLeft)}`);
    if (partial) basis.push(`${partial.season.id} counted to the as-of date ${o.asOf}`);
    const narrow = (dates: string[], note: boolean) => {
      let out = dates;
      if (phase4) {
        const boot = out.filter(isBootstrap);
        if (boot.length && note) basis.push(`bootstrap dates (first 7 days of each season): ${boot.length}`);
        out = out.filter((d) => !isBootstrap(d));
      }
      if (t.source.scope) {
        const noLines = out.filter((d) => t.outOfScope.has(d));
        if (noLines.length && note) basis.push(`game dates without props lines: ${noLines.length}`);
        out = out.filter((d) => !t.outOfScope.has(d));
      }
      return out;
    };
    const expected = narrow(inScope, true);
    const originalFromData = narrow(games, false).length;

    const present = [...t.present].filter(inRange);
    const missing: MissingDate[] = expected.filter((d) => !t.present.has(d)).map((date) => {
      const why = gapReason(t.latest.get(date));
      return { date, why: why.key, missing: why.missing, unavailable: why.missing.filter((dep) => loadFailed(facts, dep, date)) };
    });
    const difference: string[] = [];
    const byKey = new Map<string, MissingDate[]>();
    for (const m of missing) byKey.set(m.why, [...(byKey.get(m.why) ?? []), m]);
    for (const ms of byKey.values()) {
      const words = gapReason(t.latest.get(ms[0].date)).words(count(ms.length, 'date'));
      difference.push(`${words}: ${brief(formatRanges(ms.map((m) => m.date)), 60)}`);
    }
    const expectedSet = new Set(expected);
    const extra = present.filter((d) => !expectedSet.has(d));
    const kinds = new Map<string, number>();
    for (const d of extra) {
      const kind = !inRanges(d, ranges) ? 'dates outside the scope run also present (not required)'
        : phase4 && isBootstrap(d) ? 'bootstrap dates with rows (expected none)'
          : t.outOfScope.has(d) ? 'dates without props lines that have rows'
            : 'dates without a final game that have rows';
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    }
    for (const [kind, n] of kinds) difference.push(`${kind}: ${n}`);
    if (!difference.length) difference.push('none: every expected date is present');

    // Met means every expected date is there: extra dates never make up for a missing one.
    return [{ row, source: t.source, expected, originalFromData, actual: present.length, met: missing.length === 0, missing, basis, difference, scope }];
  });
}

/** The Phase 2 re-load of the table already failed for the date (the source has nothing). */
function loadFailed(facts: CoverageFacts, table: string, date: string): boolean {
  const raw = facts.tables.find((t) => t.source.phase === 'phase_2_raw' && t.source.output.name === table);
  return raw?.latest.get(date)?.status === 'failed';
}

/** The table the screen, the journal and the report show. */
export function outcomeRows(outcomes: TableOutcome[]): Row[] {
  return outcomes.map((o) => ({
    phase: o.row.phase,
    table_name: o.row.table,
    original: o.row.original,
    original_in_data: o.row.original === '—' ? '—' : o.originalFromData,
    expected: o.expected.length,
    actual: o.actual,
    status: o.met ? 'met' : `NOT MET (${o.missing.length} missing)`,
    expected_because: o.basis.join('; '),
    difference: o.difference.join('; '),
  }));
}
