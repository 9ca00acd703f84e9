/** Step 1 run as a user would: a child process against a copy of the seeded warehouse. */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fileDigest, sandbox, scriptAsync } from './support/scripts.ts';

const S = '01-validate-phase2';

describe('01-validate-phase2 as a user runs it', () => {
  it('under --yes a critical table in the undecided band is re-loaded (the recommended fix), and the run goes on from the gate', async () => {
    const sb = sandbox();
    const r = await scriptAsync(S, ['--yes'], sb);
    expect(r.code, r.stdout.slice(-1500) + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/nbac_team_boxscore\s+\|\s+\d+ \|\s+\d+ \|\s+9\d\.\d \|/);
    expect(r.stdout).toMatch(/✔ 1\.2: Fix .* \(from --yes\)/);
    expect(r.stdout.match(/── 1\.2 Decision Point/g)!.length).toBeGreaterThanOrEqual(2);
    const gates = fs.readFileSync(sb.journal, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)).filter((e) => e.event === 'gate');
    expect(gates[0]).toMatchObject({ answer: 'fix', answeredBy: 'yes' });
    expect(gates[0].rule).toMatch(/^--yes takes the recommendation "Fix/);
  });

  it('fixes Phase 2 at 1.3, reports what stayed missing, and returns to the gate', async () => {
    const sb = sandbox();
    const r = await scriptAsync(S, ['--answer', '1.2=fix', '--yes'], sb);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('1.3 If Gaps Found');
    expect(r.stdout).toContain('./bin/run_backfill.sh raw/nbac_team_boxscore --dates=');
    expect(r.stdout).toMatch(/still_missing/);
    expect(r.stdout).toContain('Some dates stayed missing');
    // Back at the gate after the fix: the critical tables are now 99%+ and only the optional one is low.
    expect(r.stdout.match(/── 1\.2 Decision Point/g)).toHaveLength(2);
    expect(r.stdout).toMatch(/Recommendation: Proceed to Step 2/);
    const gates = fs.readFileSync(sb.journal, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)).filter((e) => e.event === 'gate');
    expect(gates.map((g) => g.answer)).toEqual(['fix', 'proceed']);
    expect(gates[1].answeredBy).toBe('yes');
  });

  it('--json prints one document with the original column names, ISO dates and plain integers', async () => {
    const sb = sandbox();
    const r = await scriptAsync(S, ['--json', '--answer', '1.2=document:known gaps, accepted by on-call'], sb);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.script).toBe(S);
    expect(doc.range).toEqual({ start: '2021-10-01', end: '2024-11-29' });
    const cov = doc.steps.find((s: { id: string }) => s.id === '1.1');
    expect(Object.keys(cov.rows[0])).toEqual(['table_name', 'actual_dates', 'expected', 'pct']);
    expect(typeof cov.rows[0].actual_dates).toBe('number');
    expect(cov.sql).toContain('@start_date');
    expect(doc.gates).toHaveLength(1);
    expect(doc.gates[0]).toMatchObject({ id: '1.2', answer: 'document', note: 'known gaps, accepted by on-call', recommendation: 'fix' });
    expect(doc.exitCode).toBe(0);
    expect(r.stderr).toContain('Decision table'); // human output went to stderr
  });

  it('--dry-run prints the queries and writes nothing', async () => {
    const sb = sandbox();
    const before = fileDigest(sb.warehouse);
    const r = await scriptAsync(S, ['--dry-run'], sb);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('WITH expected AS');
    expect(r.stdout).toContain("@start_date = '2021-10-01'");
    expect(r.stdout).toContain('./bin/run_backfill.sh --list | grep precompute');
    expect(fileDigest(sb.warehouse)).toBe(before);
    expect(fs.existsSync(sb.journal)).toBe(false);
  });

  it('without a terminal and without answers, fails fast at the gate saying how to answer', async () => {
    const sb = sandbox();
    const r = await scriptAsync(S, [], sb);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/gate 1\.2 needs an answer and there is no terminal: re-run with --answer 1\.2=proceed\|document\|fix\|stop/);
  });

  it.each([
    [['--season', '2019-20'], /unknown season "2019-20"; valid seasons: 2021-22/],
    [['--start-date', '2021-02-30'], /"2021-02-30" is not a valid date/],
    [['--end-date', '2021-13-01'], /is not a valid date/],
    [['--start-date', '2022-01-10', '--end-date', '2022-01-01'], /reversed/],
    [['--start-date', '2021-07-01', '--end-date', '2021-07-31'], /no final games between 2021-07-01 and 2021-07-31/],
    [['--frobnicate'], /unknown flag --frobnicate/],
    [['--from', '9.9'], /no such step; steps are pre\.1/],
  ])('bad input %j: one line, exit 2, nothing written', async (args, message) => {
    const sb = sandbox();
    const before = fileDigest(sb.warehouse);
    const r = await scriptAsync(S, args as string[], sb);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message as RegExp);
    expect(fileDigest(sb.warehouse)).toBe(before);
    expect(fs.existsSync(sb.journal)).toBe(false);
  });

  it('--from 1.3 starts at the missing dates', async () => {
    const sb = sandbox();
    const r = await scriptAsync(S, ['--from', '1.3', '--answer', '1.3.2=skip'], sb);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('skipped 1.2'); // the gate is skipped; 1.1 still runs, read-only
    expect(r.stdout).toContain('Coverage Calendar of the Raw Tables');
    expect(r.stdout).toMatch(/nbac_team_boxscore\s+\| \d{4}-\d{2}-\d{2}/);
  });
});
