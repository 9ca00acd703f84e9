/**
 * The NBA's 82-game formula as a list of 1,230 home/away pairings:
 *   4 games against each of the 4 division rivals          (16)
 *   4 games against 6 other-division conference teams       (24)
 *   3 games against the remaining 4 conference teams        (12)
 *   2 games against each of the 15 other-conference teams   (30)
 * and 41 home games for everyone.
 */
import { TEAMS, TEAM_COUNT } from './teams.ts';

export interface Matchup {
  home: number;
  away: number;
}

/** Team index from (conference, division within it, position within the division). */
const at = (conf: number, div: number, pos: number) => conf * 15 + (((div % 3) + 3) % 3) * 5 + (((pos % 5) + 5) % 5);

/**
 * Which conference pairs meet only 3 times rotates each season (`rotation`).
 * Team (d, i) plays 3 games against (d+1, i+r) and (d+1, i+r+1); the first of
 * those hosts twice from the lower division, the second from the upper one,
 * which gives every team exactly two 2-home-game and two 1-home-game series.
 */
function threeGameSeries(rotation: number): Map<string, number> {
  const twiceHome = new Map<string, number>(); // "a-b" → the team that hosts twice
  for (let conf = 0; conf < 2; conf++) {
    for (let d = 0; d < 3; d++) {
      for (let i = 0; i < 5; i++) {
        const a = at(conf, d, i);
        const b1 = at(conf, d + 1, i + rotation);
        const b2 = at(conf, d + 1, i + rotation + 1);
        twiceHome.set(pairKey(a, b1), a);
        twiceHome.set(pairKey(a, b2), b2);
      }
    }
  }
  return twiceHome;
}

const pairKey = (a: number, b: number) => (a < b ? `${a}-${b}` : `${b}-${a}`);

export function seasonMatchups(rotation: number): Matchup[] {
  const three = threeGameSeries(rotation);
  const out: Matchup[] = [];
  const series = (a: number, b: number, homeA: number, homeB: number) => {
    for (let k = 0; k < homeA; k++) out.push({ home: a, away: b });
    for (let k = 0; k < homeB; k++) out.push({ home: b, away: a });
  };
  for (let a = 0; a < TEAM_COUNT; a++) {
    for (let b = a + 1; b < TEAM_COUNT; b++) {
      const ta = TEAMS[a];
      const tb = TEAMS[b];
      if (ta.conference !== tb.conference) series(a, b, 1, 1);
      else if (ta.division === tb.division) series(a, b, 2, 2);
      else {
        const host = three.get(pairKey(a, b));
        if (host === undefined) series(a, b, 2, 2);
        else if (host === a) series(a, b, 2, 1);
        else series(a, b, 1, 2);
      }
    }
  }
  return out;
}
