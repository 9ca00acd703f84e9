import { describe, expect, it } from 'vitest';
import { renderTable } from '../lib/notebook/output.ts';
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
  it('formats long durations', () => {
    expect(formatDuration(3_725_000)).toBe('1h02m');
  });
});
