/**
 * RUNBOOK.md is generated from runbook/*.mts and checked: the markdown is sound,
 * `--check` tells a stale file from a current one, an undocumented step is an
 * error, a gate's thresholds reach its decision table, and everything the
 * original runbook ran has its counterpart in the generated document.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { gateStep } from '../lib/notebook/steps.ts';
import { DEFAULT_POLICY, phase2Gate } from '../lib/gates/phase2-ready.ts';
import { checkMarkdown } from '../lib/render/check.ts';
import { main } from '../lib/render/cli.ts';
import { diffSummary } from '../lib/render/diff.ts';
import { GENERATED_MARK, exampleContext, renderDocument } from '../lib/render/document.ts';
import { extractDocs } from '../lib/render/extract.ts';
import { CONTRACT_JOBS, loadJobs } from '../lib/render/jobs.ts';
import { externalReferences } from '../lib/render/html.ts';
import { REPO_ROOT, render, type Rendered } from '../lib/render/render.ts';
import { RenderProblems, loadScripts } from '../lib/render/scripts.ts';
import { renderStep, runCommand, type ScriptView } from '../lib/render/steps.ts';
import { runbook as step1 } from '../runbook/01-validate-phase2.mts';

const run = promisify(execFile);
const ORIGINAL = path.resolve(REPO_ROOT, '../shared/seed/000_3f9886578fb9e766.txt');
const FIXTURE = path.join(REPO_ROOT, 'test/fixtures/render-undocumented');
const has = (script: string) => fs.existsSync(path.join(REPO_ROOT, 'runbook', `${script}.mts`));

let doc: Rendered;
let tmp: string;
beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'render-test-'));
  doc = await render();
});
afterAll(() => { if (tmp) fs.rmSync(tmp, { recursive: true, force: true }); });

/** Runs the CLI in this process (the scripts are imported once), capturing stderr. */
async function cli(...argv: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => { stderr += String(s); return true; });
  try {
    return { code: await main(argv, REPO_ROOT), stderr };
  } finally {
    spy.mockRestore();
  }
}

describe('the generated document', () => {
  it('is marked as generated and passes the markdown checks', () => {
    expect(doc.markdown.startsWith(`${GENERATED_MARK}\n`)).toBe(true);
    expect(doc.problems).toEqual([]);
    expect(checkMarkdown(doc.markdown)).toEqual([]);
  });

  it("follows the original's section order", () => {
    const h2 = doc.markdown.split('\n').filter((l) => l.startsWith('## ')).map((l) => l.slice(3));
    const expected = ['Overview', 'Pre-Flight Checklist', 'Step 1: Validate Phase 2 Data', 'Step 2: Phase 3 Backfill - Season 2021-22',
      'Step 3: Phase 4 Backfill - Season 2021-22', 'Step 4: Repeat for Remaining Seasons', ...(has('05-final') ? ['Step 5: Final Validation'] : []),
      'Monitoring Commands', 'Troubleshooting Quick Reference', 'Expected Outcomes', 'Flags'];
    expect(h2.filter((t) => expected.includes(t))).toEqual(expected);
  });

  it('renders self-contained HTML with the anchors the links use', () => {
    expect(externalReferences(doc.html)).toEqual([]);
    expect(doc.html).toContain('<h3 id="11-run-phase-2-validation-query">');
    expect(doc.html).toContain('href="#pre-flight-checklist"');
  });

  it('shows each SQL step with its parameters and a pasteable bq line', () => {
    const q = step1.steps.find((s) => s.id === '1.1');
    expect(q?.kind).toBe('sql');
    if (q?.kind !== 'sql') return;
    expect(doc.markdown).toContain(q.query(exampleContext(step1)).sql.trim());
    expect(doc.markdown).toContain("| `@start_date` | DATE | `'2021-10-01'` |");
    expect(doc.markdown).toContain('timeout 60 bq query --use_legacy_sql=false --format=pretty --parameter=start_date:DATE:2021-10-01 --parameter=end_date:DATE:2024-11-29 "$(cat 1.1.sql)"');
    expect(doc.markdown).toContain('`./runbook/02-phase3.mts --season 2021-22 --from 2.3`');
  });
});

describe('reading the scripts', () => {
  const src = `/**
 * # Step 7: Example
 *
 * Section prose.
 */
import { actionStep, sqlStep } from '../lib/notebook/steps.ts';

/** One query. */
const one = sqlStep({ id: '7.1', title: 'One', query: q });

/**
 * Several at once.
 * @title Run Them All
 */
const many = JOBS.map((j, k) => actionStep({ id: \`7.2.\${k + 1}\`, title: j }));

const bare = sqlStep({ id: '7.3', title: 'Bare', query: q });
`;
  const docs = extractDocs('example.mts', src);

  it('takes the section prose from the top doc comment and its # heading', () => {
    expect(docs.heading).toBe('Step 7: Example');
    expect(docs.prose).toBe('Section prose.');
  });

  it("matches each step's doc comment by the id in its factory call", () => {
    expect(docs.steps.get('7.1')).toMatchObject({ variable: 'one', factory: 'sqlStep', doc: 'One query.' });
    expect(docs.steps.get('7.3')).toMatchObject({ variable: 'bare', doc: null });
  });

  it('documents steps made by a .map together, with their @title', () => {
    expect(docs.groups).toHaveLength(1);
    expect(docs.groups[0]).toMatchObject({ variable: 'many', head: '7.2.', title: 'Run Them All', doc: 'Several at once.' });
    expect(docs.groups[0].matches('7.2.3')).toBe(true);
    expect(docs.groups[0].matches('7.3')).toBe(false);
  });
});

describe('the command shown for a step', () => {
  const scripts = () => loadScripts(path.join(REPO_ROOT, 'runbook'), REPO_ROOT);

  it('is --from the step itself, or from the query whose result a gate or action needs', async () => {
    const s2 = (await scripts()).find((s) => s.name === '02-phase3')!;
    const view: ScriptView = { name: s2.name, ctx: exampleContext(s2.def), steps: s2.def.steps };
    const step = (id: string) => s2.def.steps.find((s) => s.id === id)!;
    expect(runCommand(view, step('2.3'))).toEqual({ command: './runbook/02-phase3.mts --season 2021-22 --from 2.3', direct: true });
    expect(runCommand(view, step('2.4.1'))).toEqual({ command: './runbook/02-phase3.mts --season 2021-22 --from 2.4', direct: false });
    expect(runCommand(view, step('2.1.1')).command).toBe('./runbook/02-phase3.mts --season 2021-22');
  });

  it.skipIf(!has('troubleshoot'))('names the subcommand of a script that has them', () => {
    for (const sub of ['dependency-errors', 'phase4-zeros', 'rerun-failed']) expect(doc.markdown).toContain(`\`./runbook/troubleshoot.mts ${sub}\``);
  });
});

describe('the job list', () => {
  it("comes from the registry, and the contract's stand-in list matches it", async () => {
    const jobs = await loadJobs();
    expect(jobs.source).toBe('registry');
    expect(jobs.jobs).toEqual(CONTRACT_JOBS);
  });
});

describe('sections whose script is missing', () => {
  it('are rendered from what exists, noted, and still sound markdown', async () => {
    const present = (await loadScripts(path.join(REPO_ROOT, 'runbook'), REPO_ROOT)).filter((s) => /^0[1-4]/.test(s.name));
    const md = renderDocument({ scripts: present, jobs: CONTRACT_JOBS, outcomes: null });
    expect(checkMarkdown(md)).toEqual([]);
    expect(md).toContain('Not scripted yet: Step 5: Final Validation (`runbook/05-final.mts`)');
    expect(md).toContain('> `runbook/monitor.mts` is not written yet');
    expect(md).toContain('> `runbook/troubleshoot.mts` is not written yet');
    expect(md).toContain('| Phase 3 | upcoming_player_game_context | game dates with rows in `nba_raw.odds_api_player_points_props` | Limited by odds data |');
    expect(md).not.toContain('## Step 5');
  });
});

describe('the markdown checks', () => {
  const ok = '# T\n\n## A\n\n[to a](#a)\n';
  it('accept a sound document', () => expect(checkMarkdown(ok)).toEqual([]));
  it('report a skipped heading level', () => expect(checkMarkdown('# T\n\n### B\n').join()).toMatch(/level 3 right after level 1/));
  it('report a fence that is never closed', () => expect(checkMarkdown('# T\n\n```sql\nSELECT 1\n').join()).toMatch(/never closed/));
  it('report a table row of the wrong width', () => expect(checkMarkdown('# T\n\n| a | b |\n|---|---|\n| 1 | 2 | 3 |\n').join()).toMatch(/3 cells, its header has 2/));
  it('report a link to no heading', () => expect(checkMarkdown('# T\n\n[x](#nowhere)\n').join()).toMatch(/#nowhere points at no heading/));
  it('report steps out of order', () => expect(checkMarkdown('# T\n\n## S\n\n### 2.3 B\n\n### 2.1 A\n').join()).toMatch(/2\.1 comes after step 2\.3/));
});

describe('npm run render -- --check', () => {
  it('passes on the committed RUNBOOK.md', async () => {
    // The real entry point, as CI runs it.
    const r = await run(process.execPath, ['--import', 'tsx', 'lib/render/cli.ts', '--check'], { cwd: REPO_ROOT });
    expect(r.stderr).toMatch(/RUNBOOK\.md is up to date/);
  });

  it('fails on a modified copy, naming the section and the lines', async () => {
    const copy = path.join(tmp, 'RUNBOOK.md');
    fs.writeFileSync(copy, doc.markdown.replace("COUNTIF(status = 'success') as success", "COUNTIF(status = 'ok') as success"));
    const r = await cli('--check', '--file', copy);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('changed: "Step 2: Phase 3 Backfill - Season 2021-22"');
    expect(r.stderr).toContain("+   COUNTIF(status = 'success') as success");
    expect(r.stderr).toContain("-   COUNTIF(status = 'ok') as success");
  });

  it('writes to --out and then finds that file current', async () => {
    const out = path.join(tmp, 'out', 'RUNBOOK.md');
    expect((await cli('--out', out)).code).toBe(0);
    expect(fs.existsSync(path.join(tmp, 'out', 'RUNBOOK.html'))).toBe(true);
    expect(await cli('--check', '--file', out)).toMatchObject({ code: 0 });
  });

  it('summarises added and removed sections', () => {
    const s = diffSummary('# T\n\n## Old\n\nx\n', '# T\n\n## New\n\nx\n', 'RUNBOOK.md');
    expect(s.same).toBe(false);
    expect(s.text).toContain('added:   "New"');
    expect(s.text).toContain('removed: "Old"');
  });
});

describe('a step without a doc comment', () => {
  it('is an error naming the script and the step', async () => {
    const err = await loadScripts(FIXTURE, REPO_ROOT).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RenderProblems);
    expect((err as RenderProblems).problems).toEqual([expect.stringMatching(/test\/fixtures\/render-undocumented\/undocumented\.mts:\d+: step 9\.2 \(Undocumented\) has no doc comment/)]);
  });

  it('makes the CLI exit 2 without writing', async () => {
    const out = path.join(tmp, 'fixture.md');
    const r = await cli('--dir', FIXTURE, '--out', out);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/undocumented\.mts:\d+: step 9\.2/);
    expect(fs.existsSync(out)).toBe(false);
  });
});

describe("a gate's decision table", () => {
  const view: ScriptView = { name: '01-validate-phase2', ctx: exampleContext(step1), steps: step1.steps };
  const md = (policy = DEFAULT_POLICY) => renderStep(gateStep({ id: '1.2', title: 'Decision Point', ...phase2Gate(policy) }), 'Prose.', view, 3).flat().join('\n');

  it('is the one the rule uses', () => {
    for (const row of phase2Gate().table()) expect(doc.markdown).toContain(`| ${row.when} |`);
  });

  it('changes when a threshold changes', () => {
    const changed = md({ ...DEFAULT_POLICY, proceedPct: 97, fixBelowPct: 90 });
    expect(md()).toContain('| all critical tables 99%+');
    expect(changed).toContain('| all critical tables 97%+');
    expect(changed).toContain('| any critical table < 90% |');
    expect(changed).not.toContain('99%');
  });
});

/**
 * Everything the original runbook runs or decides, and its counterpart in the
 * generated document. `orig` must be in the original (so this list cannot drift
 * from it); `gen` (default: `orig`) must be in the generated document, all on
 * one line when `line` is set (a table row, a command).
 */
interface Item { what: string; orig: string; gen?: string[]; line?: boolean }

const same = (what: string, ...frags: string[]): Item[] => frags.map((f) => ({ what, orig: f }));
const row = (what: string, orig: string, ...gen: string[]): Item => ({ what, orig, gen, line: true });

const P3 = ['player_game_summary', 'team_defense_game_summary', 'team_offense_game_summary', 'upcoming_team_game_context', 'upcoming_player_game_context'];
const P4 = ['team_defense_zone_analysis', 'player_shot_zone_analysis', 'player_composite_factors', 'player_daily_cache', 'ml_feature_store'];
const SEASON_DATES: [string, string, string][] = [['2021-22', '2021-10-19', '2022-04-10'], ['2022-23', '2022-10-18', '2023-04-09'], ['2023-24', '2023-10-24', '2024-04-14'], ['2024-25', '2024-10-22', '2024-11-29']];

function backfillLines(season: string, start: string, end: string): Item[] {
  // The original writes 2021-22 over several lines and the later seasons on one; the generated document uses one line each.
  const origOf = (job: string) => (season === '2021-22' ? `./bin/run_backfill.sh ${job} \\\n  --start-date=${start} \\\n  --end-date=${end}` : `./bin/run_backfill.sh ${job} --start-date=${start} --end-date=${end}`);
  return [...P3.map((t) => `analytics/${t}`), ...P4.map((t) => `precompute/${t}`)]
    .map((job) => row(`${season} ${job}`, origOf(job), `./bin/run_backfill.sh ${job} --start-date=${start} --end-date=${end}`));
}

const CORE: Item[] = [
  row('pre-flight: jobs exist', './bin/run_backfill.sh --list | grep precompute', './bin/run_backfill.sh --list | grep precompute'),
  row('pre-flight: tmux', 'tmux list-sessions', 'tmux list-sessions'),
  { what: 'pre-flight: monitoring in a separate terminal', orig: 'Set up monitoring in separate terminal', gen: ['./runbook/monitor.mts'] },
  ...same('1.1 query', "SELECT COUNT(DISTINCT game_date) as cnt", 'ROUND(actual_dates * 100.0 / (SELECT cnt FROM expected), 1) as pct',
    "SELECT 'nbac_team_boxscore' as table_name, COUNT(DISTINCT game_date) as actual_dates", "SELECT 'nbac_gamebook_player_stats', COUNT(DISTINCT game_date)",
    "SELECT 'bdl_player_boxscores', COUNT(DISTINCT game_date)", "SELECT 'nbac_schedule', COUNT(DISTINCT game_date)", 'ORDER BY pct ASC'),
  row('1.1 range and timeout', "game_date BETWEEN '2021-10-01' AND '2024-11-29'", 'timeout 60 bq query --use_legacy_sql=false --format=pretty', '--parameter=start_date:DATE:2021-10-01', '--parameter=end_date:DATE:2024-11-29'),
  row('1.2 row 1', '| All critical tables 99%+ | Proceed to Step 2 |', 'all critical tables 99%+', 'Proceed to Step 2'),
  row('1.2 row 2', '| Any critical table <95% | Fix Phase 2 gaps first |', 'any critical table < 95%', 'Fix Phase 2 gaps first'),
  row('1.2 row 3', '| Only optional tables low | Document and proceed |', 'only optional tables <', 'Document and proceed'),
  ...same('1.3 query', 'LEFT JOIN actual a ON', 'WHERE a.game_date IS NULL'),
  { what: '1.3 missing dates', orig: 'SELECT e.game_date as missing_date', gen: ['e.game_date as missing_date'] },
  { what: '1.3 re-run for missing dates', orig: 'run appropriate scraper/processor for missing dates', gen: ['./bin/run_backfill.sh raw/<table> --dates='] },
  { what: 'Step 2 dates', orig: '**Dates:** 2021-10-19 to 2022-04-10', gen: ['Dates: 2021-10-19 to 2022-04-10'] },
  { what: 'Step 2 bootstrap note', orig: 'First 7 days (Oct 19-25) will have Phase 4 skip due to bootstrap', gen: ['first 7 days (2021-10-19..2021-10-25) will have Phase 4 skip due to bootstrap'] },
  row('2.1 dry run first', '--dry-run  # Remove after confirming', './bin/run_backfill.sh analytics/player_game_summary --start-date=2021-10-19 --end-date=2022-04-10 --dry-run'),
  ...same('2.2 query', "COUNTIF(status = 'success') as success", "COUNTIF(status = 'failed') as failed", "COUNTIF(status = 'skipped') as skipped",
    'MAX(data_date) as latest_date', "WHERE phase = 'phase_3_analytics'", 'AND started_at > TIMESTAMP_SUB(CURRENT_TIMESTAMP(), INTERVAL 24 HOUR)', 'GROUP BY processor_name'),
  row('2.2 range', "data_date BETWEEN '2021-10-19' AND '2022-04-10'", 'timeout 30 bq query', '--parameter=start_date:DATE:2021-10-19', '--parameter=end_date:DATE:2022-04-10'),
  ...same('2.3 query', 'COUNT(DISTINCT game_date) as dates', 'MIN(game_date) as earliest', 'MAX(game_date) as latest', "SELECT 'player_game_summary' as table_name, game_date",
    "SELECT 'team_defense_game_summary', game_date", "SELECT 'team_offense_game_summary', game_date"),
  { what: '2.3 expected dates', orig: '**Expected:** ~170 dates for each table', gen: ['2.3.1 Compare With Expected Dates', '**Expected:** ~170 dates for each table (varies by season length)', '165-166 per complete regular season'] },
  // Issue 13, part 5: every expectation of the original kept, each with how ours differs.
  { what: 'scope: ~675 game dates', orig: '**Total Scope:** 675 game dates across 4 seasons', gen: ['~675 game dates across 4 seasons (the original\'s figure)', 'regular seasons and postseasons (play-in and playoffs)'] },
  { what: 'prerequisite: player boxscore scraper fixed', orig: 'player boxscore scraper fixed', gen: ['player boxscore scraper fixed (the original\'s)', 'pre.4 Check the player boxscore scraper is fixed', 'the last date it has'] },
  { what: 'Expected Outcomes: First 2-3 weeks, as the original says', orig: 'First 2-3 weeks of each season: degraded quality', gen: ['First 2-3 weeks of each season: degraded quality (limited history). Ours:'] },
  { what: 'Expected Outcomes: shot zones mostly NULL, and our rule', orig: 'Shot zones will be NULL for most historical data (play-by-play sparse)', gen: ['Shot zones will be NULL for most historical data (play-by-play sparse). Ours: a zone split needs 15 play-by-play shots'] },
  { what: 'Expected Outcomes: the scope the original\'s ranges leave out', orig: '| Phase 3 | player_game_summary | ~650 | All game dates |', gen: ['its per-season ranges stop at each regular season\'s last day', '--regular-season-only'] },
  ...same('2.4 query', 'SUBSTR(CAST(errors AS STRING), 1, 100) as error_preview'),
  { what: '2.4 decide', orig: 'decide whether to fix now or continue', gen: ['2.4.1 Failures Decision'] },
  { what: 'Step 3 sequence', orig: 'Phase 4 processors MUST run in sequence, not parallel!', gen: ['Phase 4 processors MUST run in sequence'] },
  ...same('3.2 query', 'COUNT(DISTINCT date_col) as dates', "SELECT 'team_defense_zone_analysis' as table_name, analysis_date as date_col",
    "SELECT 'player_shot_zone_analysis', analysis_date", "SELECT 'player_composite_factors', game_date", "SELECT 'player_daily_cache', cache_date"),
  { what: '3.2 bootstrap note', orig: 'will have 0 records due to bootstrap - this is expected!', gen: ['have 0 records'] },
  ...same('3.3 buckets', "WHEN completeness_pct >= 90 THEN '90-100% (Good)'", "WHEN completeness_pct >= 70 THEN '70-89% (OK)'",
    "WHEN completeness_pct >= 50 THEN '50-69% (Degraded)'", "ELSE '0-49% (Bootstrap/Poor)'", 'ROUND(COUNT(*) * 100.0 / SUM(COUNT(*)) OVER (), 1) as pct'),
  { what: '3.3 expectation', orig: 'Mostly "Good" after first few weeks of season.', gen: ['after week 3: 80%+ of records Good'] },
  ...SEASON_DATES.flatMap(([s, a, b]) => backfillLines(s, a, b)),
  ...['2022-23', '2023-24'].map((s) => ({ what: `Step 4 ${s}`, orig: `### Season ${s}`, gen: [`### Season ${s}`] })),
  { what: 'Step 4 partial season', orig: '### Season 2024-25 (Current - Partial)', gen: ['### Season 2024-25 (Current - Partial)'] },
  // Issue 13, part 1: each complete season's postseason commands beside the original's.
  ...['2021-22', '2022-23', '2023-24'].map((s) => row(`Step 4 ${s} postseason`, `Season ${s === '2021-22' ? '2021-22' : s}`,
    `./runbook/02-phase3.mts --season ${s} --part postseason && ./runbook/03-phase4.mts --season ${s} --part postseason`)),
  { what: 'Step 4 validate between phases', orig: '# Validate Phase 3 complete (run validation query)', gen: ['# 2.3 Validate Phase 3 Complete: ./runbook/02-phase3.mts --season 2022-23 --from 2.3'] },
  ...[['Phase 3', 'player_game_summary', 'All game dates'], ['Phase 3', 'team_defense_game_summary', 'All game dates'], ['Phase 3', 'team_offense_game_summary', 'All game dates'],
    ['Phase 3', 'upcoming_player_game_context', 'Limited by odds data'], ['Phase 3', 'upcoming_team_game_context', 'All game dates'],
    ['Phase 4', 'player_shot_zone_analysis', 'Minus bootstrap periods'], ['Phase 4', 'team_defense_zone_analysis', 'Minus bootstrap periods'],
    ['Phase 4', 'player_composite_factors', 'Minus bootstrap periods'], ['Phase 4', 'player_daily_cache', 'Minus bootstrap periods']]
    .map(([phase, t, note]) => row(`Expected Outcomes: ${t}`, `| ${phase} | ${t} |`, `| ${phase} | ${t} |`, note)),
  { what: 'Expected Outcomes: early weeks', orig: 'First 2-3 weeks of each season: degraded quality (limited history)', gen: ['degraded quality (limited history)'] },
  { what: 'Expected Outcomes: after week 3', orig: 'After week 3: 80%+ should be "Good" quality', gen: ['After week 3: 80%+ should be "Good" quality'] },
];

/** Sections whose script is not written yet: listed, and turned on when the script lands. */
const PENDING: { script: string; items: Item[] }[] = [
  { script: '05-final', items: [
    ...same('5.1 overall coverage', "'Phase 2' as phase", "SELECT 'Phase 3', 'player_game_summary', COUNT(DISTINCT game_date)",
      "SELECT 'Phase 3', 'team_defense_game_summary', COUNT(DISTINCT game_date)", "SELECT 'Phase 4', 'player_shot_zone_analysis', COUNT(DISTINCT analysis_date)", 'ORDER BY phase, table_name'),
    { what: '5.2 failure summary', orig: 'COUNT(*) as failure_count', gen: ['as failure_count'] },
    ...same('5.2 failure summary', 'GROUP BY phase, processor_name', 'ORDER BY failure_count DESC'),
    ...same('5.3 quality distribution', 'EXTRACT(YEAR FROM analysis_date) as year', "THEN 'Good (90%+)'", "THEN 'OK (70-89%)'", "ELSE 'Degraded (<70%)'", 'GROUP BY year, quality'),
    { what: 'Expected Outcomes: shot zones', orig: 'Shot zones will be NULL for most historical data', gen: ['NULL'] },
  ] },
  { script: 'monitor', items: [
    ...same('monitor: recent activity', "COUNTIF(status = 'success') as ok", "COUNTIF(status = 'failed') as fail", 'MAX(data_date) as latest', 'INTERVAL 1 HOUR'),
    ...same('monitor: failures', 'SUBSTR(CAST(errors AS STRING), 1, 60) as error', 'ORDER BY started_at DESC'),
    { what: 'monitor: refresh every 5 minutes', orig: 'sleep 300', gen: ['300'] },
  ] },
  { script: 'troubleshoot', items: [
    { what: 'DependencyError: what is missing', orig: "errors LIKE '%DependencyError%'", gen: ['DependencyError', 'missing_dependencies'] },
    { what: 'bootstrap dates per season', orig: 'Oct 19-25 (2021), Oct 18-24 (2022), Oct 24-30 (2023), Oct 22-28 (2024)', gen: ['2021-10-25', '2022-10-24', '2023-10-30', '2024-10-28'] },
    { what: 'failed dates only', orig: 'SELECT DISTINCT CAST(data_date AS STRING)', gen: ['list of failed dates', "status = 'failed'"] },
    { what: 'failed dates of one processor', orig: "WHERE processor_name = 'PlayerGameSummaryProcessor'", gen: ['PlayerGameSummaryProcessor'] },
    { what: 're-run per date', orig: './bin/run_backfill.sh analytics/player_game_summary --dates=$date', gen: ['--dates='] },
  ] },
];

const norm = (s: string) => s.toLowerCase().replace(/\s+/g, ' ').trim();

function missing(item: Item, generated: string): string | null {
  const gen = item.gen ?? [item.orig];
  if (item.line) {
    const lines = generated.split('\n').map(norm);
    return lines.some((l) => gen.every((g) => l.includes(norm(g)))) ? null : `${item.what}: no line has all of ${JSON.stringify(gen)}`;
  }
  const all = norm(generated);
  const absent = gen.filter((g) => !all.includes(norm(g)));
  return absent.length ? `${item.what}: ${JSON.stringify(absent)} not found` : null;
}

const original = fs.existsSync(ORIGINAL) ? fs.readFileSync(ORIGINAL, 'utf8') : null;

/** The SQL of the first `bq query … "…"` after a marker in the original, without its shell quoting (\` becomes `) or the script's indent. */
function originalQuery(text: string, marker: string): string {
  const from = text.indexOf(marker);
  if (from < 0) throw new Error(`not in the original: ${marker}`);
  const m = /bq query [^"\n]*"\n([\s\S]*?)\n\s*"/.exec(text.slice(from));
  if (!m) throw new Error(`no bq query after ${marker}`);
  const lines = m[1].replace(/\\`/g, '`').split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => /^ */.exec(l)![0].length));
  return lines.map((l) => l.slice(indent)).join('\n');
}

/** A step's section of RUNBOOK.md: from its heading to the next heading outside a code fence. */
function sectionOf(markdown: string, heading: string): string {
  const lines = markdown.split('\n');
  const start = lines.findIndex((l) => l.startsWith(heading));
  if (start < 0) throw new Error(`no heading ${heading}`);
  let inFence = false;
  let end = start + 1;
  for (; end < lines.length; end++) {
    if (/^```/.test(lines[end])) inFence = !inFence;
    else if (!inFence && /^#{1,6} /.test(lines[end])) break;
  }
  return lines.slice(start, end).join('\n');
}

/** The bodies of a section's ```sql fences, in order. */
const sqlFences = (section: string) => [...section.matchAll(/^```sql\n([\s\S]*?)\n```$/gm)].map((m) => m[1]);

describe.skipIf(!original)(`completeness against the original runbook${original ? '' : ` (skipped: ${ORIGINAL} is absent; CI clones ../shared beside the repo)`}`, () => {
  it('every listed item is in the original (the list cannot drift from it)', () => {
    const all = [...CORE, ...PENDING.flatMap((p) => p.items)];
    expect(all.filter((i) => !original!.includes(i.orig)).map((i) => `${i.what}: ${i.orig}`)).toEqual([]);
  });

  it('every query, command, decision row and expected outcome of Steps 1-4 has its counterpart', () => {
    expect(CORE.map((i) => missing(i, doc.markdown)).filter(Boolean)).toEqual([]);
  });

  it('runs the Phase 4 jobs in the original order, for every season', () => {
    for (const [, start] of SEASON_DATES) {
      const at = P4.map((t) => doc.markdown.indexOf(`./bin/run_backfill.sh precompute/${t} --start-date=${start}`));
      expect(at).toEqual([...at].sort((a, b) => a - b));
    }
  });

  // Issue 13, part 3: where the original cuts a list with LIMIT, the step shows its query beside ours and says why they differ.
  it.each([
    { step: '### 1.3 ', after: '### 1.3 If Gaps Found', limit: 'LIMIT 20', script: '01-validate-phase2' },
    { step: '### 2.4 ', after: '### 2.4 Check for Failures', limit: 'LIMIT 20', script: '02-phase3' },
    { step: '### T1.1 ', after: '### Processor Fails with DependencyError', limit: 'LIMIT 10', script: 'troubleshoot' },
  ])("$step: the original's query with its $limit beside ours without it, and why", ({ step, after, limit, script }) => {
    const theirs = originalQuery(original!, after);
    expect(theirs).toContain(limit);
    const section = sectionOf(doc.markdown, step);
    const [shown, ours] = sqlFences(section);
    expect(norm(shown)).toBe(norm(theirs));
    expect(ours).toBeDefined();
    expect(ours).not.toMatch(/\bLIMIT\b/);
    // One sentence says what ours drops and why, after the original's query and before ours.
    const why = section.slice(section.indexOf(shown) + shown.length, section.indexOf(ours));
    expect(why).toMatch(new RegExp(`\`${limit}\`[^.]*because`, 's'));
    // The prose comes from the script's doc comment, not from the renderer.
    expect(fs.readFileSync(path.join(REPO_ROOT, 'runbook', `${script}.mts`), 'utf8')).toContain(` * ${limit}\n`);
  });

  it("M.2: the monitor keeps the original's LIMIT 5 (its query as written) and says why", () => {
    const theirs = originalQuery(original!, '=== FAILURES (last hour) ===');
    const section = sectionOf(doc.markdown, '### M.2 ');
    const [ours] = sqlFences(section);
    expect(norm(ours)).toBe(norm(theirs));
    expect(ours).toMatch(/\nLIMIT 5$/);
    expect(section).toMatch(/`LIMIT 5` included: .+? list every one\./s);
  });

  for (const { script, items } of PENDING) {
    it.skipIf(!has(script))(`${script}: its section has the original's counterparts${has(script) ? '' : ` (skipped: runbook/${script}.mts is not written yet)`}`, () => {
      expect(items.map((i) => missing(i, doc.markdown)).filter(Boolean)).toEqual([]);
    });
  }
});
