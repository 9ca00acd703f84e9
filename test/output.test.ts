import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Output, renderTable, shorten, shortenAll, wrapText } from '../lib/notebook/output.ts';
import { progressLine, formatDuration } from '../lib/notebook/progress.ts';

describe('bq-style tables', () => {
  const cols = [{ name: 'table_name', type: 'STRING' as const }, { name: 'pct', type: 'FLOAT64' as const }];
  it('draws ASCII borders with a rule under the header only', () => {
    const t = renderTable(cols, [{ table_name: 'nbac_team_boxscore', pct: 98.8 }, { table_name: 'nbac_schedule', pct: 100 }]);
    const lines = t.split('\n');
    expect(lines[0]).toMatch(/^\+-+\+-+\+$/);
    expect(lines[1]).toMatch(/^\| table_name\s+\|\s+pct \|$/);
    expect(lines.filter((l) => /^\+/.test(l))).toHaveLength(3);
    expect(lines[3]).toMatch(/\|\s+98\.8 \|$/); // numbers right-aligned
  });
  it('shows a numeric column\'s numbers with the same decimal places, so the points line up', () => {
    const lines = renderTable(cols, [{ table_name: 'a', pct: 98.8 }, { table_name: 'b', pct: 100 }, { table_name: 'c', pct: null }]).split('\n');
    expect(lines[3]).toMatch(/\|\s+98\.8 \|$/);
    expect(lines[4]).toMatch(/\|\s+100\.0 \|$/);
    expect(lines[5]).toMatch(/\|\s+NULL \|$/);
    // Seconds in a summary (rows computed in code, no schema): 3 is 3.0 beside 5.4.
    const summary = renderTable(['job', 'seconds'], [{ job: 'x', seconds: 5.4 }, { job: 'y', seconds: 3 }]);
    expect(summary).toMatch(/\|\s+3\.0 \|/);
    // Counts stay whole; over 3 places (a raw FLOAT64) is left as it is, not padded to 17.
    expect(renderTable(['n'], [{ n: 12 }, { n: 3 }])).toMatch(/\|\s+3 \|/);
    const raw = renderTable(['r'], [{ r: 0.1234 }, { r: 2 }]);
    expect(raw).toMatch(/\|\s+0\.1234 \|/);
    expect(raw).toMatch(/\|\s+2 \|/);
    // Text in a numeric-typed column (a NUMERIC read as a string) is shown as it came.
    expect(renderTable([{ name: 'v', type: 'NUMERIC' }], [{ v: '1.50' }, { v: 2.5 }])).toMatch(/\|\s+1\.50 \|/);
  });
  it('cuts long text to fit the width', () => {
    const t = renderTable(['error'], [{ error: 'x'.repeat(300) }], { width: 100 });
    for (const l of t.split('\n')) expect(l.length).toBeLessThanOrEqual(100);
  });
  it('shows NULL and arrays readably', () => {
    expect(renderTable(['a', 'b'], [{ a: null, b: ['x', 'y'] }])).toContain('NULL');
    expect(renderTable(['a', 'b'], [{ a: null, b: ['x', 'y'] }])).toContain('[x, y]');
  });
  it('says so when there are no rows', () => {
    expect(renderTable(['a'], [], { empty: 'No failed dates.' })).toBe('No failed dates.');
  });
});

describe('progress', () => {
  it('shows counts, failures, elapsed and ETA', () => {
    const line = progressLine({ label: 'analytics/x', done: 50, total: 100, failed: 2, startedAt: 0 }, 10_000);
    expect(line).toContain('50/100');
    expect(line).toContain('2 failed');
    expect(line).toContain('10s');
    expect(line).toContain('eta 10s');
  });
  it('paces the ETA by the dates that took work, not by skips recorded up-front', () => {
    // 14 bootstrap skips recorded at once, nothing processed after 10 s: no pace yet.
    expect(progressLine({ label: 'precompute/x', done: 14, total: 100, paced: 0, startedAt: 0 }, 10_000)).toMatch(/eta …$/);
    // 10 processed in 10 s (1 s each) and 76 left: 1m16s, where 24 dates' pace would say 32s.
    expect(progressLine({ label: 'precompute/x', done: 24, total: 100, paced: 10, startedAt: 0 }, 10_000)).toMatch(/eta 1m16s$/);
  });
  it('formats long durations', () => {
    expect(formatDuration(3_725_000)).toBe('1h02m');
  });
});

describe('readable from 60 columns up, within 100', () => {
  const jobs = ['analytics/player_game_summary', 'analytics/team_defense_game_summary', 'analytics/team_offense_game_summary', 'analytics/upcoming_team_game_context', 'analytics/upcoming_player_game_context'];

  it('shortens a name in the middle, keeping both ends', () => {
    // 24 = 10 from the start (45% of 23), the ellipsis, 13 from the end.
    expect(shorten('analytics/upcoming_player_game_context', 24)).toBe('analytics/…_game_context');
    expect(shorten('short', 24)).toBe('short');
  });

  it('keeps names of one list apart when they share a prefix and a suffix', () => {
    const cut = shortenAll(jobs, 22);
    expect(new Set(cut.values()).size).toBe(jobs.length);
    for (const v of cut.values()) expect(v.length).toBeLessThanOrEqual(22);
    // All start "analytics/", so the start says nothing: the 21 characters kept are the end's.
    expect(cut.get('analytics/team_defense_game_summary')).toBe('…_defense_game_summary');
    // Processors all end "Processor": their starts are kept.
    expect(shortenAll(['PlayerGameSummaryProcessor', 'TeamDefenseGameSummaryProcessor'], 13).get('TeamDefenseGameSummaryProcessor')).toBe('TeamDefenseG…');
  });

  it('a table too wide for 60 columns becomes one block per row; at 100 it stays a table with distinct names', () => {
    const rows = jobs.map((job, k) => ({ job, game_dates: 166, to_process: 166 - k, skipped: k, dependency_failures: 3, skip_reason: k === 4 ? 'no_props_lines' : '' }));
    const narrow = renderTable(Object.keys(rows[0]), rows, { width: 60 }).split('\n');
    for (const l of narrow) expect(l.length, l).toBeLessThanOrEqual(60);
    expect(narrow).toContain('job                 | analytics/upcoming_player_game_context');
    expect(narrow.filter((l) => l.startsWith('-[ row '))).toHaveLength(5);
    const wide = renderTable(Object.keys(rows[0]), rows, { width: 100 }).split('\n');
    for (const l of wide) expect(l.length, l).toBeLessThanOrEqual(100);
    const names = wide.slice(3, 8).map((l) => l.split('|')[1].trim());
    expect(new Set(names).size).toBe(5);
    expect(names[4]).toMatch(/player_game_context$/);
  });

  it('wraps prose at spaces under its bullet', () => {
    expect(wrapText('  • a job skips every date by design (no props lines) → Run them', 30)).toEqual([
      '  • a job skips every date by',
      '    design (no props lines) →',
      '    Run them',
    ]);
  });

  it('fits a progress line to the width, shortening the label in the middle', () => {
    const line = progressLine({ label: 'analytics/upcoming_player_game_context', done: 50, total: 166, failed: 2, startedAt: 0 }, 10_000, 40, 60);
    expect(line.length).toBeLessThanOrEqual(60);
    // The tail takes 30; the bar its minimum 6 (2 of 6 filled: 50/166); the label the 20 left. ETA: 10 s / 50 × 116 = 23 s.
    expect(line).toBe('analytic…ame_context [##....]   50/166  2 failed 10s eta 23s');
  });
});

describe('a job\'s log quoted', () => {
  // What run_backfill.sh writes to its log when it is not on a terminal: tables at 100 columns.
  const log = [
    'precompute/player_composite_factors: 157 succeeded, 1 failed, 7 skipped; 31870 records; run_id PlayerCompositeFactorsProcessor-97c3eaf4; 4 statements in 0.7 s',
    `+------------+${'-'.repeat(85)}+`,
    `| data_date  | error${' '.repeat(79)} |`,
    `| 2023-02-03 | DependencyError: nba_precompute.team_defense_zone_analysis, nba_precompute.player_shot_zon… |`,
  ];
  const quoted = (stream: PassThrough & { isTTY?: boolean; columns?: number }) => {
    let text = '';
    stream.on('data', (d) => { text += String(d); });
    new Output({ json: false, stdout: stream }).quote(log);
    return text.split('\n').filter(Boolean);
  };
  const tty = (columns: number) => Object.assign(new PassThrough(), { isTTY: true, columns });

  it('keeps each table line whole on a terminal wide enough, one line each, and wraps the prose at 100', () => {
    const lines = quoted(tty(160));
    for (const l of log.slice(1)) expect(lines).toContain(`  | ${l}`);
    const prose = lines.filter((l) => !/^ {2}\| [+|]/.test(l));
    expect(prose.length).toBeGreaterThan(1); // the summary line, 140 characters, wrapped
    for (const l of prose) expect(l.length).toBeLessThanOrEqual(100);
    expect(lines).toHaveLength(3 + prose.length);
  });
  it('cuts a table line to a narrow terminal with an ellipsis instead of wrapping it', () => {
    const lines = quoted(tty(80)).filter((l) => /^ {2}\| [+|]/.test(l));
    expect(lines).toHaveLength(3);
    for (const l of lines) { expect(l).toHaveLength(80); expect(l.endsWith('…')).toBe(true); }
  });
  it('keeps every line whole in a log or a pipe', () => {
    expect(quoted(Object.assign(new PassThrough(), { columns: 60 }))).toEqual(log.map((l) => `  | ${l}`));
  });
});

describe('a table on a wide terminal', () => {
  // Five Phase 3 jobs with the columns of 2.1.1's gate: 40 + 12 + 12 + 9 + 17 + 16 characters and
  // 7 borders make 113, wider than the 100 columns prose keeps to.
  const jobs = ['analytics/player_game_summary', 'analytics/team_defense_game_summary', 'analytics/team_offense_game_summary',
    'analytics/upcoming_team_game_context', 'analytics/upcoming_player_game_context'];
  const rows = jobs.map((job) => ({ job, game_dates: 165, to_process: 164, skipped: 0, dependency_gaps: 1, skip_reason: 'no_props_lines' }));
  const shown = (stream: PassThrough & { isTTY?: boolean; columns?: number }) => {
    let text = '';
    stream.on('data', (d) => { text += String(d); });
    const out = new Output({ json: false, stdout: stream });
    out.table(Object.keys(rows[0]), rows);
    out.info('x '.repeat(80));
    return text.replace(/\x1b\[[0-9;]*m/g, '').split('\n').filter(Boolean);
  };
  const tty = (columns: number) => Object.assign(new PassThrough(), { isTTY: true, columns });

  it('uses the terminal past 100 columns rather than cut a name; prose still wraps at 100', () => {
    const lines = shown(tty(160));
    const table = lines.filter((l) => /^[+|]/.test(l));
    expect(Math.max(...table.map((l) => l.length))).toBe(113);
    for (const job of jobs) expect(table.some((l) => l.includes(`| ${job} `)), job).toBe(true);
    for (const l of lines.filter((x) => !/^[+|]/.test(x))) expect(l.length).toBeLessThanOrEqual(100);
  });
  it('cuts to a narrower terminal, and to 100 when not a terminal (logs, pipes)', () => {
    for (const [stream, width] of [[tty(90), 90], [Object.assign(new PassThrough(), { columns: 160 }), 100]] as const) {
      const table = shown(stream).filter((l) => /^[+|]/.test(l));
      expect(Math.max(...table.map((l) => l.length))).toBeLessThanOrEqual(width);
      expect(table.some((l) => l.includes('| analytics/player_game_summary '))).toBe(false);
    }
  });
});
