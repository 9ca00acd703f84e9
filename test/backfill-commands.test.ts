/** backfillCommands: the dates of a re-run, written as ranges of consecutive game dates where that names the same dates. */
import { describe, expect, it } from 'vitest';
import { backfillCommands } from '../lib/backfill/preview.ts';

// Game dates around Thanksgiving 2021 (no game on 11-25) and a lone game after a gap.
const GAMES = ['2021-11-22', '2021-11-23', '2021-11-24', '2021-11-26', '2021-11-27', '2021-11-29', '2021-12-05'];
const J = 'precompute/x';

describe('backfillCommands', () => {
  it('a run of consecutive game dates across a day without games is one range', () => {
    expect(backfillCommands(J, ['2021-11-23', '2021-11-24', '2021-11-26', '2021-11-27'], GAMES))
      .toEqual(['./bin/run_backfill.sh precompute/x --start-date=2021-11-23 --end-date=2021-11-27']);
  });
  it('a game date missing from the list breaks the run: a range would re-run it too', () => {
    // 11-26 is a game date not asked for: 11-22..11-24 is a run of 3, 11-27 and 11-29 are 2 and stay a list.
    expect(backfillCommands(J, ['2021-11-29', '2021-11-22', '2021-11-23', '2021-11-24', '2021-11-27'], GAMES)).toEqual([
      './bin/run_backfill.sh precompute/x --start-date=2021-11-22 --end-date=2021-11-24',
      './bin/run_backfill.sh precompute/x --dates=2021-11-27,2021-11-29',
    ]);
  });
  it('fewer than three dates, dates without games and duplicates stay one sorted list', () => {
    expect(backfillCommands(J, ['2021-12-05', '2021-11-25', '2021-11-22', '2021-12-05'], GAMES))
      .toEqual(['./bin/run_backfill.sh precompute/x --dates=2021-11-22,2021-11-25,2021-12-05']);
    expect(backfillCommands(J, [], GAMES)).toEqual([]);
  });
});
