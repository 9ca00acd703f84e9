/** The coverage calendar: each cell's state, its glyph, the picture's width, and the step other scripts drop in. */
import { describe, expect, it } from 'vitest';
import { buildCalendar, buildCalendars, shortNames, splitBySeason, weekLines, type CoverageCalendar } from '../lib/calendar-view/calendar.ts';
import type { CoverageFacts, CoverageSource, TableFacts } from '../lib/calendar-view/facts.ts';
import { cellState, GLYPH, LEGEND, legendLine, type CellState, type LatestAttempt } from '../lib/calendar-view/states.ts';
import { MAX_WIDTH, problemLines, problemRows, renderCalendarText } from '../lib/calendar-view/text.ts';
import { renderCalendarHtml } from '../lib/calendar-view/html.ts';
import { eachDate } from '../lib/seasons/calendar.ts';

const source = (name: string, phase: CoverageSource['phase'], scope = false): CoverageSource => ({
  job: `${phase === 'phase_4_precompute' ? 'precompute' : 'analytics'}/${name}`,
  processorName: name, phase,
  output: { name: `${phase === 'phase_4_precompute' ? 'nba_precompute' : 'nba_analytics'}.${name}`, dateColumn: 'game_date' },
  ...(scope ? { scope: { table: 'nba_raw.odds_api_player_points_props', dateColumn: 'game_date' } } : {}),
});

const failed: LatestAttempt = { status: 'failed', skip_reason: null, missing_dependencies: ['nba_raw.nbac_team_boxscore'], errors: '{"error_type":"DependencyError"}' };
const skipped: LatestAttempt = { status: 'skipped', skip_reason: 'bootstrap', missing_dependencies: null, errors: null };

function table(s: CoverageSource, present: string[], latest: [string, LatestAttempt][] = [], outOfScope: string[] = []): TableFacts {
  return { source: s, present: new Set(present), latest: new Map(latest), outOfScope: new Set(outOfScope) };
}

/**
 * The first two weeks of 2021-22 (it starts on Tuesday 2021-10-19; the bootstrap ends 10-25):
 * games every day but Thursday 10-21 and Sunday 10-31.
 */
const range = { start: '2021-10-19', end: '2021-10-31' };
const games = eachDate(range.start, range.end).filter((d) => d !== '2021-10-21' && d !== '2021-10-31');
const pgs = source('player_game_summary', 'phase_3_analytics');
const tdza = source('team_defense_zone_analysis', 'phase_4_precompute');
const upgc = source('upcoming_player_game_context', 'phase_3_analytics', true);
const facts: CoverageFacts = {
  range,
  gameDates: new Set(games),
  tables: [
    // Phase 3: every game date but 10-26 (failed) and 10-27 (never run).
    table(pgs, games.filter((d) => d !== '2021-10-26' && d !== '2021-10-27'), [['2021-10-26', failed]]),
    // Phase 4: nothing in the bootstrap week, recorded for two days only; the rest present.
    table(tdza, games.filter((d) => d > '2021-10-25'), [['2021-10-19', skipped], ['2021-10-20', skipped]]),
    // Props lines only from 10-28 on: the earlier dates are expected empty.
    table(upgc, games.filter((d) => d >= '2021-10-28'), [], games.filter((d) => d < '2021-10-28')),
  ],
};
const cal = buildCalendar(facts, { title: '2021-22', ...range });
const cell = (t: number, date: string): CellState => {
  const week = cal.weeks.find((w) => w.start <= date && date < String(new Date(Date.parse(`${w.start}T00:00:00Z`) + 7 * 86_400_000).toISOString().slice(0, 10)))!;
  return week.cells[t][(new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7];
};

describe('cell states', () => {
  it('are decided in order: outside, present, no games, failed, skipped or expected empty, missing', () => {
    const base = { inRange: true, present: false, gameDay: true, expectedEmpty: false };
    expect(cellState({ ...base, inRange: false, present: true })).toBe('outside');
    expect(cellState({ ...base, present: true, latest: failed })).toBe('present');
    expect(cellState({ ...base, gameDay: false, latest: failed })).toBe('no_games');
    expect(cellState({ ...base, latest: failed })).toBe('failed');
    expect(cellState({ ...base, latest: skipped })).toBe('skipped');
    expect(cellState({ ...base, expectedEmpty: true })).toBe('skipped');
    expect(cellState(base)).toBe('missing');
  });

  it('tells bootstrap from missing from no games', () => {
    expect(cell(0, '2021-10-19')).toBe('present');
    expect(cell(0, '2021-10-26')).toBe('failed');
    expect(cell(0, '2021-10-27')).toBe('missing');
    expect(cell(0, '2021-10-21')).toBe('no_games');
    // Phase 4 in the bootstrap week: skipped whether or not the run history says so yet.
    expect(cell(1, '2021-10-19')).toBe('skipped');
    expect(cell(1, '2021-10-22')).toBe('skipped');
    expect(cell(1, '2021-10-21')).toBe('no_games');
    expect(cell(1, '2021-10-26')).toBe('present');
    // The same bootstrap date is a gap for a Phase 3 table.
    expect(cell(2, '2021-10-20')).toBe('skipped'); // no props lines yet: expected empty
    expect(cell(2, '2021-10-28')).toBe('present');
    // Monday 10-18 is before the range.
    expect(cell(0, '2021-10-18')).toBe('outside');
  });

  it('counts each state and lists the dates that need attention', () => {
    expect(cal.tables[0].counts).toMatchObject({ present: 9, failed: 1, missing: 1, no_games: 2, outside: 1 });
    expect(cal.tables[0].dates).toEqual({ missing: ['2021-10-27'], failed: ['2021-10-26'], skipped: [] });
    expect(cal.tables[1].counts).toMatchObject({ skipped: 6, present: 5 });
    expect(problemRows([cal])).toEqual([{ season: '2021-22', table_name: 'player_game_summary', present: 9, missing: 1, failed: 1, missing_dates: '2021-10-27', failed_dates: '2021-10-26' }]);
    expect(problemLines([cal])).toEqual(['2021-22 player_game_summary: 1 failed: 2021-10-26', '2021-22 player_game_summary: 1 missing: 2021-10-27']);
  });
});

describe('the terminal picture', () => {
  const lines = renderCalendarText(cal);

  it('has a distinct glyph per state and a legend, so it reads without colour', () => {
    expect(new Set(Object.values(GLYPH)).size).toBe(Object.keys(GLYPH).length);
    expect(lines).toContain(legendLine());
    for (const l of LEGEND) expect(legendLine()).toContain(`${GLYPH[l.state]} ${l.label}`);
    expect(lines.join('\n')).not.toMatch(/\x1b\[/); // no colour codes unless asked for
  });

  it('draws a week per line, seven cells per table, Monday first', () => {
    expect(lines[0]).toBe('2021-22: 2021-10-19 .. 2021-10-31');
    expect(lines[1]).toBe('week of     pgs     tdza    upgc');
    expect(lines[2]).toBe('            MTWTFSS MTWTFSS MTWTFSS');
    // Mon 10-18 outside; Tue, Wed present; Thu no games; Fri-Sun present.
    expect(lines[3]).toBe('2021-10-18   ■■·■■■  ○○·○○○  ○○·○○○');
    // Mon 10-25 ends the bootstrap; Tue 10-26 failed, Wed 10-27 missing; Sun 10-31 no games.
    expect(lines[4]).toBe('2021-10-25  ■✗□■■■· ○■■■■■· ○○○■■■·');
    expect(lines).toContain('pgs = player_game_summary  tdza = team_defense_zone_analysis  upgc = upcoming_player_game_context');
  });

  it('stays within 100 columns however many tables, splitting them into blocks', () => {
    const many = Array.from({ length: 13 }, (_, k) => table(source(`table_number_${k}_with_a_long_name`, 'phase_3_analytics'), games.slice(k % 3)));
    const big = buildCalendar({ ...facts, tables: many }, { title: '2021-22', ...range });
    const text = renderCalendarText(big);
    for (const l of text) expect([...l].length).toBeLessThanOrEqual(MAX_WIDTH);
    expect(text.filter((l) => l.startsWith('week of')).length).toBe(2);
    for (const l of renderCalendarText(big, { width: 60 })) expect([...l].length).toBeLessThanOrEqual(60);
  });

  it('folds runs of weeks without games (the off-season) into one line', () => {
    const offSeason: CoverageFacts = { ...facts, range: { start: '2022-04-04', end: '2022-10-23' }, gameDates: new Set(['2022-04-05', '2022-10-19']), tables: [table(pgs, ['2022-04-05', '2022-10-19'])] };
    const cals = buildCalendars(offSeason);
    expect(cals.map((c) => c.title)).toEqual(['2021-22', '2022-23']);
    const text = cals.flatMap((c) => renderCalendarText(c));
    expect(text).toContain('2022-04-11 .. 2022-10-17  no games (28 weeks)');
    expect(weekLines(cals[0]).filter((l) => l.kind === 'week')).toHaveLength(1);
  });
});

describe('season blocks and names', () => {
  it('cuts a range at season starts, dates before the first season going with it', () => {
    expect(splitBySeason({ start: '2021-10-01', end: '2022-11-01' })).toEqual([
      { title: '2021-22', start: '2021-10-01', end: '2022-10-17' },
      { title: '2022-23', start: '2022-10-18', end: '2022-11-01' },
    ]);
  });

  it('names tables by their initials, kept unique', () => {
    expect(shortNames(['nba_analytics.player_game_summary', 'nba_precompute.player_daily_cache', 'x.pgs_', 'y.p_g_s'])).toEqual(['pgs', 'pdc', 'p', 'pgs2']);
  });
});

describe('the HTML picture', () => {
  it('uses the same glyphs, a class per state and the date on hover', () => {
    const html = renderCalendarHtml(cal as CoverageCalendar);
    expect(html).toContain('<td class="s-failed" title="2021-10-26 pgs: failed">✗</td>');
    expect(html).toContain('<td class="s-missing" title="2021-10-27 pgs: missing">□</td>');
    expect(html).toContain('<td class="s-skipped" title="2021-10-19 tdza: skipped">○</td>');
    expect(html).toContain('<td class="s-no_games" title="2021-10-21 pgs: no games">·</td>');
    expect(html).not.toMatch(/https?:\/\//);
  });
});
