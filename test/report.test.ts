/**
 * Step 5's report: Markdown and one self-contained HTML file with the tables,
 * the gate decisions from the journal and the calendars — checked as data and
 * as 05-final.mts writes it for a user.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finalReport, type FinalReportInput } from '../lib/report/step5.ts';
import { renderHtml } from '../lib/report/html.ts';
import { renderMarkdown } from '../lib/report/markdown.ts';
import { gateDecisions } from '../lib/report/journal-gates.ts';
import { reportPaths } from '../lib/report/write.ts';
import { weekBarLines, weeklyQuality } from '../lib/report/quality-weeks.ts';
import { renderQualitySvg } from '../lib/report/quality-svg.ts';
import { runScript, troubledSeason, type SmallWarehouse } from './support/small-warehouse.ts';

/** Anything a browser would fetch: a URL, a src/href attribute, an @import. */
const EXTERNAL = /https?:\/\/|\bsrc\s*=|\bhref\s*=|@import|url\(/i;

const input: FinalReportInput = {
  range: { start: '2021-10-01', end: '2024-11-29' }, asOf: '2024-11-29', project: 'nba-props-platform', backend: 'duckdb',
  coverage: { columns: [{ name: 'phase', type: 'STRING' }, { name: 'table_name', type: 'STRING' }, { name: 'dates', type: 'INT64' }], rows: [{ phase: 'Phase 3', table_name: 'player_game_summary', dates: 534 }] },
  failures: null, quality: null, outcomes: null, qualityChecks: null,
  plan: { steps: [{ job: 'analytics/player_game_summary', dates: ['2021-10-26'], why: 'failed: ProcessorError', command: './bin/run_backfill.sh analytics/player_game_summary --dates=2021-10-26' }], unrecoverable: [] },
  calendars: [], decision: { recommendation: 'rerun', reason: '1 table short <of> expected & more' }, answer: null,
  gates: [{ when: '2024-11-29 10:00:00', script: '01-validate-phase2', range: '2021-10-01..2024-11-29', gate: '1.2 Decision Point', answer: 'document', by: 'operator', note: 'bdl gaps <script>alert(1)</script>', times_asked: 2 }],
  now: new Date('2024-11-29T12:00:00Z'),
};

describe('the report as data', () => {
  const data = finalReport(input);

  it('renders self-contained HTML: inline style, nothing to fetch, every value escaped', () => {
    const html = renderHtml(data);
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).toContain('<style>');
    expect(html).not.toMatch(EXTERNAL);
    expect(html).not.toContain('<script>');
    expect(html).toContain('bdl gaps &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('1 table short &lt;of&gt; expected &amp; more');
    expect(html).toContain('<td class="num">534</td>');
    expect(html).toContain('./bin/run_backfill.sh analytics/player_game_summary --dates=2021-10-26');
  });

  it('renders Markdown tables, with what was not run said so', () => {
    const md = renderMarkdown(data);
    expect(md).toContain('# Backfill Final Validation — 2024-11-29');
    expect(md).toContain('| phase | table_name | dates |\n|---|---|---|\n| Phase 3 | player_game_summary | 534 |');
    expect(md).toContain('## 5.2 Failure Summary');
    expect(md).toContain('_Not run._');
    expect(md).toContain('| 2024-11-29 10:00:00 | 01-validate-phase2 | 2021-10-01..2024-11-29 | 1.2 Decision Point | document | operator | bdl gaps <script>alert(1)</script> | 2 |');
    expect(md).toContain('```bash\n./bin/run_backfill.sh analytics/player_game_summary --dates=2021-10-26\n```');
  });

  it('names the files by the as-of date', () => {
    expect(reportPaths('reports', '2024-11-29')).toEqual({ md: 'reports/backfill-2024-11-29.md', html: 'reports/backfill-2024-11-29.html' });
  });
});

describe('gate decisions from the journal', () => {
  it('keeps the latest answer per script, range and gate, counting the earlier ones', () => {
    const events = [
      { ts: '2024-11-29T09:00:00Z', run_id: 'a', event: 'start', script: '02-phase3', range: { start: '2021-10-19', end: '2022-04-10' } },
      { ts: '2024-11-29T09:01:00Z', run_id: 'a', event: 'gate', script: '02-phase3', id: '2.4.1', title: 'Failures Decision', answer: 'rerun', answeredBy: 'operator' },
      { ts: '2024-11-29T09:05:00Z', run_id: 'b', event: 'start', script: '02-phase3', range: { start: '2021-10-19', end: '2022-04-10' } },
      { ts: '2024-11-29T09:06:00Z', run_id: 'b', event: 'gate', script: '02-phase3', id: '2.4.1', title: 'Failures Decision', answer: 'document', answeredBy: 'flag', note: 'source has nothing' },
      { ts: '2024-11-29T09:07:00Z', run_id: 'b', event: 'step', script: '02-phase3', id: '2.4.2' },
    ];
    expect(gateDecisions(events)).toEqual([{
      when: '2024-11-29 09:06:00', script: '02-phase3', range: '2021-10-19..2022-04-10', gate: '2.4.1 Failures Decision',
      answer: 'document', by: 'flag', note: 'source has nothing', times_asked: 2,
    }]);
  });
});

describe('05-final.mts writes the report', () => {
  let sw: SmallWarehouse;
  let dir: string;
  beforeAll(async () => {
    sw = await troubledSeason();
    dir = path.join(sw.dir, 'reports');
    // Step 1 ran earlier and its gate was answered: the report must show it.
    fs.writeFileSync(sw.journal, [
      { ts: '2024-11-29T08:00:00.000Z', run_id: 'step1', event: 'start', script: '01-validate-phase2', args: [], range: { start: '2021-10-01', end: '2024-11-29' } },
      { ts: '2024-11-29T08:01:00.000Z', run_id: 'step1', event: 'gate', script: '01-validate-phase2', id: '1.2', title: 'Decision Point', answer: 'proceed', answeredBy: 'operator' },
    ].map((e) => JSON.stringify(e)).join('\n') + '\n');
  });
  afterAll(() => fs.rmSync(sw.dir, { recursive: true, force: true }));

  it('stops at the gate with the commands to re-run (exit 3), and writes both files all the same', () => {
    const r = runScript('05-final', ['--yes', '--report-dir', dir], sw);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stdout).toMatch(/Recommendation: Re-run the listed dates first \(stops here\)/);
    expect(r.stdout).toContain('$ ./bin/run_backfill.sh analytics/player_game_summary --dates=2021-10-26');
    expect(r.stdout).toContain(`resume with: ./runbook/05-final.mts --yes --report-dir ${dir} --warehouse ${sw.file} --journal ${sw.journal} --from 5.5`);
    const html = fs.readFileSync(path.join(dir, 'backfill-2024-11-29.html'), 'utf8');
    const md = fs.readFileSync(path.join(dir, 'backfill-2024-11-29.md'), 'utf8');
    expect(html).not.toMatch(EXTERNAL);
    for (const heading of ['5.1 Overall Coverage', '5.2 Failure Summary', '5.3 Quality Distribution', 'Expected Outcomes', 'Quality Expectations', 'What to Re-run', 'Gate Decisions', 'Coverage Calendar']) {
      expect(html).toContain(`<h2>${heading}</h2>`);
      expect(md).toContain(`## ${heading}`);
    }
    // original, what it counts here (the playoff date too), expected for the scope run, actual.
    expect(html).toMatch(/<td>player_game_summary<\/td><td>~650<\/td><td class="num">6<\/td><td class="num">5<\/td><td class="num">4<\/td><td class="notmet">NOT MET \(1 missing\)<\/td>/);
    expect(md).toContain('Left out: 2021-22 postseason (1 final game date)');
    expect(md).toContain('./runbook/02-phase3.mts --season 2021-22 --part postseason && ./runbook/03-phase4.mts --season 2021-22 --part postseason');
    expect(html).toContain('<table class="cal">');
    // Beside the calendar, the season's quality chart: 2021-10-26 is week 2 (early), 1 record, 0 Good.
    expect(html).toMatch(/<div class="season-pair">\n<div class="chart"><h3>Phase 4 quality by week — 2021-22<\/h3>[\s\S]*?<\/div>\n<div class="calendar"><h3>2021-22/);
    expect(html).toContain('<title>week 2 (from 2021-10-26): 0% Good, 0 of 1 records — early weeks, expected low</title>');
    expect(html).toContain('<h3>Missing and failed dates</h3>');
    expect(html).toContain('title="2021-10-26 pgs: failed">✗</td>');
    expect(html).toContain('<td>1.2 Decision Point</td><td>proceed</td>');
    expect(md).toContain('| Phase 3 | player_game_summary | 4 |');
    expect(md).toContain('./bin/run_backfill.sh analytics/player_game_summary --dates=2021-10-26');
    expect(md).toMatch(/\*\*Recommendation:\*\* rerun — /);
  });

  it('records the answer at the gate and shows it in the report', () => {
    const r = runScript('05-final', ['--answer', '5.5=accept', '--report-dir', dir], sw);
    expect(r.code, r.stderr).toBe(0);
    const md = fs.readFileSync(path.join(dir, 'backfill-2024-11-29.md'), 'utf8');
    expect(md).toContain('- **Decision:** accept');
    expect(md).toMatch(/\| 05-final \| 2021-10-01\.\.2024-11-29 \| 5\.5 Accept the Backfill\? \| accept \| flag \|/);
  });
});

describe('Phase 4 quality by week', () => {
  const season = { title: '2021-22', start: '2021-10-19', end: '2022-04-10' };
  const day = (analysis_date: string, records: number, good: number) => ({ analysis_date, records, good, zones_null: 0 });

  it('sums days into weeks counted from the season\'s first day', () => {
    // 10-26 is day 7 and 11-01 day 13 (week 2); 11-02 is day 14 (week 3); May is outside the season.
    const weeks = weeklyQuality([day('2021-11-01', 10, 5), day('2021-10-26', 10, 0), day('2021-11-02', 20, 18), day('2022-05-01', 5, 5)], [season]);
    expect(weeks).toEqual([
      { season: '2021-22', week: 2, start: '2021-10-26', records: 20, good: 5, goodPct: 25 },
      { season: '2021-22', week: 3, start: '2021-11-02', records: 20, good: 18, goodPct: 90 },
    ]);
  });

  it('3.3.1 prints a bar per week with the 80% mark, within the width', () => {
    const lines = weekBarLines([{ week: 4, week_start: '2021-11-09', records: 4, good: 3 }], 60);
    // 16 cells at 60 columns: 75% fills 12, the 80% mark sits at cell 13.
    expect(lines[1]).toBe('  wk  4 2021-11-09 [############.|..]  75.0% LOW');
    expect(lines.every((l) => l.length <= 60)).toBe(true);
  });

  it('draws an inline SVG: a bar per week, early / ok / low told apart in colour and words', () => {
    const svg = renderQualitySvg('2021-22', [
      { season: '2021-22', week: 2, start: '2021-10-26', records: 4, good: 1, goodPct: 25 },
      { season: '2021-22', week: 4, start: '2021-11-09', records: 10, good: 9, goodPct: 90 },
      { season: '2021-22', week: 5, start: '2021-11-16', records: 10, good: 5, goodPct: 50 },
    ]);
    expect([...svg.matchAll(/<rect class="(\w+)"/g)].map((m) => m[1])).toEqual(['early', 'ok', 'low']);
    expect(svg).toContain('Below 80% after week 3: week 5 (50%).');
    expect(svg).not.toMatch(EXTERNAL);
    // Heights follow the share: 90% of the 160-pixel plot is 144.
    expect(svg).toMatch(/<rect class="ok" x="\d+" y="26\.0" width="10" height="144\.0">/);
  });
});
