import { describe, expect, it } from 'vitest';
import { COMMON_OPTIONS, parseArgv, phase2Range, resolveCommon } from '../lib/notebook/flags.ts';
import { UsageError } from '../lib/notebook/errors.ts';
import { formatRanges, isValidDate, toRanges } from '../lib/seasons/calendar.ts';

const resolve = (argv: string[], def = phase2Range) => resolveCommon(parseArgv(argv, COMMON_OPTIONS).flags, def);

describe('common flags', () => {
  it('defaults to the Phase 2 range ending at the as-of date', () => {
    const o = resolve([]);
    expect(o.range).toEqual({ start: '2021-10-01', end: '2024-11-29' });
    expect(o.backend).toBe('duckdb');
    expect(o.warehouse).toBe('.warehouse/nba.duckdb');
  });

  it('takes a season, ending the partial one at --as-of', () => {
    expect(resolve(['--season', '2021-22']).range).toEqual({ start: '2021-10-19', end: '2022-04-10' });
    expect(resolve(['--season=2024-25', '--as-of=2024-11-15']).range).toEqual({ start: '2024-10-22', end: '2024-11-15' });
  });

  it.each([
    [['--season', '2020-21'], /unknown season "2020-21"; valid seasons: 2021-22, 2022-23, 2023-24, 2024-25/],
    [['--start-date', '2021-02-30'], /not a valid date/],
    [['--start-date', '2021-13-01'], /not a valid date/],
    [['--start-date', ''], /needs a value|not a valid date/],
    [['--start-date', '2022-01-01', '--end-date', '2021-01-01'], /reversed/],
    [['--bogus'], /unknown flag --bogus/],
    [['--answer', '1.2'], /not ID=CHOICE/],
    [['--backend', 'postgres'], /unknown backend/],
    [['--project', "x'; DROP"], /not a valid project id/],
    [['--sandbox-suffix', 'rb_test'], /--sandbox-suffix "rb_test" must start with _/],
    [['--sandbox-suffix', '_RB'], /must start with _ followed by a-z, 0-9 or _/],
    [['--sandbox-suffix', '_rb-test'], /must start with _/],
    [['--sandbox-suffix', '_'], /must start with _/],
  ])('rejects %j', (argv, message) => {
    expect(() => resolve(argv as string[])).toThrow(UsageError);
    expect(() => resolve(argv as string[])).toThrow(message as RegExp);
  });

  it('takes a sandbox suffix, none by default', () => {
    expect(resolve([]).sandboxSuffix).toBeNull();
    expect(resolve(['--sandbox-suffix', '_rb_test']).sandboxSuffix).toBe('_rb_test');
    expect(resolve(['--sandbox-suffix=_x1']).sandboxSuffix).toBe('_x1');
  });

  it('requires a season or dates where a script has no default range', () => {
    expect(() => resolve([], null as never)).toThrow(/choose a season/);
    expect(resolve(['--start-date', '2021-11-01', '--end-date', '2021-11-30'], null as never).range.start).toBe('2021-11-01');
  });

  it('parses answers with notes', () => {
    const o = resolve(['--answer', '1.2=document:bdl gaps known', '--answer=2.4.1=rerun']);
    expect(o.answers.get('1.2')).toEqual({ choice: 'document', note: 'bdl gaps known' });
    expect(o.answers.get('2.4.1')).toEqual({ choice: 'rerun', note: undefined });
  });
});

describe('calendar helpers', () => {
  it('validates real dates only', () => {
    expect(isValidDate('2024-02-29')).toBe(true);
    expect(isValidDate('2023-02-29')).toBe(false);
    expect(isValidDate('2021-1-01')).toBe(false);
  });
  it('groups consecutive dates into ranges', () => {
    expect(toRanges(['2021-11-04', '2021-11-03', '2021-11-06'])).toEqual([
      { from: '2021-11-03', to: '2021-11-04', days: 2 }, { from: '2021-11-06', to: '2021-11-06', days: 1 },
    ]);
    expect(formatRanges(['2021-11-03', '2021-11-04'])).toBe('2021-11-03..2021-11-04 (2)');
  });
});
