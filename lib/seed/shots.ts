/**
 * Play-by-play shots, one row per field-goal attempt, for the few games whose
 * play-by-play the pipeline captured (SeasonPlan.shotShare: 6-11 % of games in
 * the complete seasons, 22 % in the current one). Sparse on purpose: with the
 * zone rule's minimum of shots in a 10-game window (MIN_ZONE_SHOTS), most
 * player_shot_zone_analysis records have NULL zones, as the original expects.
 * Zones add up to the box score: paint + mid-range = two-point attempts,
 * three = threes, and makes likewise.
 */
import type { GameResult, PlayerLine } from './boxscores.ts';
import { Rng } from './rng.ts';
import { copyGameId, type ShotRow } from './rows.ts';
import type { SeasonPlan } from './seasons.ts';
import { teamAbbr } from './teams.ts';

/** Whether the game has play-by-play: a fixed draw per game, so a date regenerates the same. */
export function hasPlayByPlay(r: GameResult, plan: SeasonPlan): boolean {
  return Rng.of('pbp', r.copy, r.game.id).next() < plan.shotShare;
}

type Zone = ShotRow['shot_zone'];

interface Shot {
  team: string;
  player: string;
  zone: Zone;
  made: boolean;
  distance: number;
  /** Seconds since tip-off. */
  at: number;
}

function distance(rng: Rng, zone: Zone): number {
  if (zone === 'paint') return rng.chance(0.7) ? rng.int(0, 3) : rng.int(4, 9);
  if (zone === 'mid_range') return rng.int(10, 21);
  if (rng.chance(0.25)) return 22; // corner three
  return rng.chance(0.95) ? rng.int(23, 27) : rng.int(28, 45);
}

/** Splits a player's twos into paint and mid-range, makes favouring the paint (≈ 62 % vs 42 %). */
function playerShots(rng: Rng, l: PlayerLine, team: string, seconds: number): Shot[] {
  const paint = rng.binomial(l.fg2a, l.ps.paintShare);
  const mid = l.fg2a - paint;
  const expected = (l.fg2m * paint * 0.62) / Math.max(1e-9, paint * 0.62 + mid * 0.42);
  const paintMade = Math.min(paint, Math.max(l.fg2m - mid, Math.round(expected)));
  const zones: [Zone, number, number][] = [['paint', paint, paintMade], ['mid_range', mid, l.fg2m - paintMade], ['three', l.fg3a, l.fg3m]];
  const out: Shot[] = [];
  for (const [zone, attempts, made] of zones) {
    const hits = rng.shuffle(Array.from({ length: attempts }, (_, k) => k < made));
    for (const hit of hits) {
      out.push({ team, player: l.ps.player.lookup, zone, made: hit, distance: distance(rng, zone), at: rng.int(0, seconds - 1) });
    }
  }
  return out;
}

export function shotRows(r: GameResult): ShotRow[] {
  const rng = Rng.of('shots', r.copy, r.game.id);
  const seconds = 48 * 60 + r.game.overtimePeriods * 300;
  const shots = [r.home, r.away].flatMap((side) => side.lines
    .filter((l) => l.status === 'active')
    .flatMap((l) => playerShots(rng, l, teamAbbr(side.team, r.copy), seconds)));
  shots.sort((a, b) => a.at - b.at);
  // Event numbers count every play (rebounds, fouls, substitutions), so shots skip a few each time.
  let event = 1;
  return shots.map((s): ShotRow => {
    event += rng.int(2, 6);
    return {
      game_id: copyGameId(r.game.id, r.copy),
      game_date: r.game.date,
      event_id: event,
      period: s.at < 2880 ? Math.floor(s.at / 720) + 1 : 5 + Math.floor((s.at - 2880) / 300),
      team_abbr: s.team,
      player_lookup: s.player,
      shot_zone: s.zone,
      shot_distance_ft: s.distance,
      shot_made: s.made,
    };
  });
}
