/**
 * Player points props, as the odds API reports them: the top scorers of each
 * team (8–14 players a game), priced by two or three books around the pre-game
 * projection, captured the morning of the game (well before any tip-off).
 */
import type { GameResult, PlayerLine } from './boxscores.ts';
import { Rng } from './rng.ts';
import { copyGameId, type PropRow } from './rows.ts';
import { teamAbbr } from './teams.ts';

const BOOKS = ['draftkings', 'fanduel', 'betmgm'];
/** American odds, over then under, with the usual 4–5 % hold. */
const PRICES: [number, number][] = [[-110, -110], [-115, -105], [-105, -115], [-120, 100], [100, -120], [-112, -108], [-108, -112]];

/** How many days of lines the odds history holds, counted back from the as-of date. */
export const ODDS_DATES = 270;

export function propRows(r: GameResult): PropRow[] {
  const rng = Rng.of('props', r.copy, r.game.id);
  const books = rng.chance(0.65) ? BOOKS : BOOKS.slice(0, 2);
  // 13:00–15:59 UTC is 8–11 am Eastern; the earliest tip-offs are at noon.
  const snapshots = books.map(() => `${r.game.date}T${rng.int(13, 15)}:${String(rng.int(0, 59)).padStart(2, '0')}:${String(rng.int(0, 59)).padStart(2, '0')}.000Z`);
  const out: PropRow[] = [];
  for (const side of [r.home, r.away]) {
    const listed = side.lines
      .filter((l) => l.status === 'active')
      .sort((a, b) => b.projection - a.projection)
      .slice(0, rng.int(4, 7));
    for (const l of listed) out.push(...playerProps(rng, r, teamAbbr(side.team, r.copy), l, books, snapshots));
  }
  return out;
}

function playerProps(rng: Rng, r: GameResult, team: string, l: PlayerLine, books: string[], snapshots: string[]): PropRow[] {
  // Lines sit on the half point, so a push is impossible; books disagree by a point now and then.
  const consensus = Math.max(1.5, Math.floor(l.projection * Math.exp(rng.normal(0, 0.05))) + 0.5);
  return books.map((bookmaker, k) => {
    const [over, under] = rng.pick(PRICES);
    return {
      game_id: copyGameId(r.game.id, r.copy),
      game_date: r.game.date,
      player_lookup: l.ps.player.lookup,
      team_abbr: team,
      bookmaker,
      points_line: Math.max(0.5, consensus + rng.pick([-1, 0, 0, 0, 0, 1])),
      over_price: over,
      under_price: under,
      snapshot_timestamp: snapshots[k],
    };
  });
}
