/**
 * One game's box score, from the rosters and the outcome the schedule fixed.
 *
 * Team totals are drawn first (attempts from pace, rebounds from misses, steals
 * from the other side's turnovers, blocks from its missed twos) and then dealt
 * to the players on the floor by minutes and role, so every total is the sum of
 * its players by construction. Shooting is drawn until the score agrees with the
 * schedule's winner (no ties; overtime games stay close), nudged towards a
 * margin picked first so blowouts and nail-biters both occur.
 *
 * Everything comes from one random stream named by (copy, game id): a game is
 * the same whether generated alone or with its whole season.
 */
import { Rng } from './rng.ts';
import type { PlayerSeason, SeasonRosters } from './rosters.ts';
import type { ScheduledGame } from './schedule.ts';
import type { SeasonPlan } from './seasons.ts';

export type PlayerStatus = 'active' | 'inactive' | 'dnp';

export interface StatLine {
  fg2m: number; fg2a: number;
  fg3m: number; fg3a: number;
  ftm: number; fta: number;
  oreb: number; dreb: number;
  ast: number; stl: number; blk: number; tov: number; pf: number;
  pm: number;
}

export interface PlayerLine extends StatLine {
  ps: PlayerSeason;
  status: PlayerStatus;
  /** The gamebook's reason for an inactive or DNP player. */
  reason: string | null;
  starter: boolean;
  /** Minutes in tenths (six-second units), so a team's minutes add up exactly. */
  tenths: number;
  /** Pre-game points projection, what a sportsbook prices its line around. */
  projection: number;
}

export interface TeamResult {
  team: number;
  isHome: boolean;
  lines: PlayerLine[];
  points: number;
}

export interface GameResult {
  game: ScheduledGame;
  copy: number;
  home: TeamResult;
  away: TeamResult;
}

const COACHS_DECISION = "Coach's Decision";
/** The league's minimum to dress (short of it, injured players dress: hardship) and its maximum. */
const MIN_ACTIVE = 8;
const MAX_ACTIVE = 13;
/** Field-goal attempts per possession, and the usage-weighted mean of the players' three rates. */
const FGA_PER_POSSESSION = 0.9;
const ROSTER_THREE_RATE = 0.36;

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));
export const linePoints = (l: StatLine) => 2 * l.fg2m + 3 * l.fg3m + l.ftm;

/**
 * Integers that add up to `total`, proportional to `weights` and within [lo, hi]:
 * players at a bound are fixed there and the rest re-scaled, then remainders go
 * to the largest fractions.
 */
function allocate(weights: number[], total: number, lo: number, hi: number): number[] {
  const n = weights.length;
  const fixed = new Array<number | null>(n).fill(null);
  let x: number[] = [];
  for (;;) {
    const left = total - fixed.reduce<number>((a, f) => a + (f ?? 0), 0);
    const wsum = weights.reduce((a, w, i) => a + (fixed[i] === null ? w : 0), 0);
    x = weights.map((w, i) => fixed[i] ?? (w * left) / wsum);
    const worst = x.reduce((best, v, i) => (fixed[i] !== null ? best : Math.max(best, v - hi, lo - v)), 0);
    if (worst <= 1e-9) break;
    const i = x.findIndex((v, k) => fixed[k] === null && Math.max(v - hi, lo - v) === worst);
    fixed[i] = x[i] > hi ? hi : lo;
  }
  const out = x.map(Math.floor);
  const byFraction = x.map((_, i) => i).sort((a, b) => (x[b] - out[b]) - (x[a] - out[a]) || a - b);
  let short = total - out.reduce((a, b) => a + b, 0);
  for (const i of byFraction) {
    if (short-- <= 0) break;
    out[i]++;
  }
  return out;
}

/** Who plays and for how long: injuries from the roster, DNPs and minutes from depth. */
function lineup(rng: Rng, roster: PlayerSeason[], gameNo: number, totalTenths: number, overtime: number, blowout: boolean): PlayerLine[] {
  const lines: PlayerLine[] = roster.map((ps) => ({
    ps, status: ps.out[gameNo] ? 'inactive' : 'active', reason: ps.out[gameNo], starter: false, tenths: 0, projection: 0,
    fg2m: 0, fg2a: 0, fg3m: 0, fg3a: 0, ftm: 0, fta: 0, oreb: 0, dreb: 0, ast: 0, stl: 0, blk: 0, tov: 0, pf: 0, pm: 0,
  }));
  // Too few healthy players: absentees dress anyway, deepest on the bench first.
  for (let k = lines.length - 1; lines.filter((l) => l.status === 'active').length < MIN_ACTIVE; k--) {
    if (lines[k].status === 'inactive') Object.assign(lines[k], { status: 'active', reason: null });
  }
  const available = lines.filter((l) => l.status === 'active');
  available.forEach((l, rank) => {
    if (rank < 9) return;
    const pDnp = rank >= MAX_ACTIVE ? 1 : blowout ? 0.25 : [0.35, 0.55, 0.75, 0.85][Math.min(rank - 9, 3)];
    if (rng.chance(pDnp)) Object.assign(l, { status: 'dnp', reason: COACHS_DECISION });
  });
  const active = lines.filter((l) => l.status === 'active');
  active.slice(0, 5).forEach((l) => { l.starter = true; });
  // Blowouts shorten starters' nights and hand the bench garbage time.
  const weights = active.map((l) => l.ps.baseMinutes * Math.exp(rng.normal(0, 0.12)) * (blowout ? (l.starter ? 0.85 : 1.3) : 1));
  const tenths = allocate(weights, totalTenths, 10, (43 + 5 * overtime) * 10);
  active.forEach((l, k) => { l.tenths = tenths[k]; });
  return lines;
}

/** Deals `units` among the players on the floor by a per-36 rate times minutes played. */
function deal(rng: Rng, units: number, active: PlayerLine[], rate: (ps: PlayerSeason) => number): number[] {
  return rng.split(units, active.map((l) => rate(l.ps) * l.tenths));
}

function usageWeights(active: PlayerLine[], gameNo: number): number[] {
  return active.map((l) => l.ps.usage * l.tenths * l.ps.form[gameNo]);
}

function shoot(rng: Rng, active: PlayerLine[], gameNo: number, fgaMean: number, threeAdj: number, tilt: number): void {
  const fgaTeam = Math.max(40, Math.round(rng.normal(fgaMean, 2.5)));
  const fga = rng.split(fgaTeam, usageWeights(active, gameNo));
  const ftFactor = Math.exp(rng.normal(0, 0.15));
  active.forEach((l, k) => {
    const ps = l.ps;
    l.fg3a = rng.binomial(fga[k], clamp(ps.threeRate * threeAdj, 0, 0.85));
    l.fg2a = fga[k] - l.fg3a;
    l.fg2m = rng.binomial(l.fg2a, clamp(ps.fg2Pct * tilt, 0.2, 0.85));
    l.fg3m = rng.binomial(l.fg3a, clamp(ps.fg3Pct * tilt, 0.1, 0.6));
    l.fta = rng.poisson(ps.ftRate * fga[k] * ftFactor);
    l.ftm = rng.binomial(l.fta, ps.ftPct);
  });
}

/** The pre-game expectation of each player's points (no outcome tilt, no luck). */
function project(active: PlayerLine[], gameNo: number, fgaMean: number, threeAdj: number): void {
  const w = usageWeights(active, gameNo);
  const wsum = w.reduce((a, b) => a + b, 0);
  active.forEach((l, k) => {
    const ps = l.ps;
    const fga = (fgaMean * w[k]) / wsum;
    const r3 = clamp(ps.threeRate * threeAdj, 0, 0.85);
    l.projection = fga * ((1 - r3) * 2 * ps.fg2Pct + r3 * 3 * ps.fg3Pct + ps.ftRate * ps.ftPct);
  });
}

const sum = (lines: PlayerLine[], f: (l: PlayerLine) => number) => lines.reduce((a, l) => a + f(l), 0);

/** Plus/minus: each player's share of the margin by minutes, plus noise, adding up to exactly 5 × margin. */
function plusMinus(rng: Rng, active: PlayerLine[], margin: number): void {
  const total = sum(active, (l) => l.tenths);
  const share = active.map((l) => l.tenths / total);
  const noise = active.map((_, k) => rng.normal(0, 4 * Math.sqrt(share[k] * 5)));
  const noiseSum = noise.reduce((a, b) => a + b, 0);
  const raw = active.map((_, k) => 5 * margin * share[k] + noise[k] - share[k] * noiseSum);
  const pm = raw.map(Math.floor);
  const byFraction = raw.map((_, k) => k).sort((a, b) => (raw[b] - pm[b]) - (raw[a] - pm[a]) || a - b);
  let short = 5 * margin - pm.reduce((a, b) => a + b, 0);
  for (const k of byFraction) {
    if (short-- <= 0) break;
    pm[k]++;
  }
  active.forEach((l, k) => { l.pm = pm[k]; });
}

/** Hands out personal fouls one at a time; a player with six has fouled out. */
function dealFouls(rng: Rng, units: number, active: PlayerLine[]): void {
  for (let u = 0; u < units; u++) {
    const w = active.map((l) => (l.pf >= 6 ? 0 : l.ps.pf * l.tenths));
    if (w.every((x) => x === 0)) return;
    active[rng.weighted(w)].pf++;
  }
}

export function playGame(game: ScheduledGame, copy: number, rosters: SeasonRosters, plan: SeasonPlan): GameResult {
  const rng = Rng.of('box', copy, game.id);
  const ot = game.overtimePeriods;
  const minutesScale = (48 + 5 * ot) / 48;
  const totalTenths = (48 + 5 * ot) * 5 * 10;
  // The winner's margin: in overtime a few points; otherwise NBA-like, averaging about 12.
  const target = ot > 0 ? rng.int(1, 6) : 1 + Math.floor(Math.abs(rng.normal(0, 14)));
  const blowout = target >= 20;
  const sides = [
    { team: game.home, isHome: true, gameNo: game.homeGameNo },
    { team: game.away, isHome: false, gameNo: game.awayGameNo },
  ].map((s) => {
    const lines = lineup(rng, rosters[s.team], s.gameNo, totalTenths, ot, blowout);
    return { ...s, lines, active: lines.filter((l) => l.status === 'active') };
  });
  const [home, away] = sides;
  const possessions = rng.normal(plan.pace, 3.5) * minutesScale;
  const fgaMean = FGA_PER_POSSESSION * possessions;
  const threeAdj = plan.threeRate / ROSTER_THREE_RATE;
  for (const s of sides) project(s.active, s.gameNo, FGA_PER_POSSESSION * plan.pace * minutesScale, threeAdj);

  // The schedule's winner shoots better by about the margin picked above; draws
  // that miss the winner, land far from that margin or score implausibly are drawn again.
  const edge = target / 190;
  const window = ot > 0 ? 4 : 8;
  const winnerIsHome = game.homeWins;
  for (let attempt = 0; ; attempt++) {
    if (attempt === 500) throw new Error(`box score: no consistent result for game ${game.id}`);
    shoot(rng, home.active, home.gameNo, fgaMean, threeAdj, winnerIsHome ? 1 + edge : 1 - edge);
    shoot(rng, away.active, away.gameNo, fgaMean, threeAdj, winnerIsHome ? 1 - edge : 1 + edge);
    const [h, a] = [sum(home.active, linePoints), sum(away.active, linePoints)];
    const margin = (h - a) * (winnerIsHome ? 1 : -1);
    const plausible = Math.min(h, a) >= 78 * minutesScale && Math.max(h, a) <= 155 * minutesScale;
    if (margin > 0 && Math.abs(margin - target) <= window && plausible) break;
  }

  // The rest follows from the shooting: rebounds from misses, steals from the other side's turnovers.
  const missed = (s: typeof home) => sum(s.active, (l) => l.fg2a + l.fg3a - l.fg2m - l.fg3m);
  const ftMissed = (s: typeof home) => sum(s.active, (l) => l.fta - l.ftm);
  const tov = sides.map(() => rng.poisson(13.3 * minutesScale));
  const oreb = sides.map((s) => rng.binomial(missed(s), 0.23));
  sides.forEach((s, k) => {
    const opp = sides[1 - k];
    const dreb = rng.binomial(missed(opp) - oreb[1 - k], 0.86) + rng.binomial(ftMissed(opp), 0.45);
    const fgm = sum(s.active, (l) => l.fg2m + l.fg3m);
    const oppTwoMisses = sum(opp.active, (l) => l.fg2a - l.fg2m);
    const cols: [keyof StatLine, number, (ps: PlayerSeason) => number][] = [
      ['oreb', oreb[k], (ps) => ps.oreb],
      ['dreb', dreb, (ps) => ps.dreb],
      ['ast', rng.binomial(fgm, 0.6), (ps) => ps.ast],
      ['tov', tov[k], (ps) => ps.tov],
      ['stl', rng.binomial(tov[1 - k], 0.55), (ps) => ps.stl],
      ['blk', rng.binomial(oppTwoMisses, 0.19), (ps) => ps.blk],
    ];
    for (const [col, units, rate] of cols) deal(rng, units, s.active, rate).forEach((n, i) => { s.active[i][col] = n; });
    dealFouls(rng, rng.poisson(19.5 * minutesScale), s.active);
  });
  const margin = sum(home.active, linePoints) - sum(away.active, linePoints);
  plusMinus(rng, home.active, margin);
  plusMinus(rng, away.active, -margin);

  const result = (s: typeof home): TeamResult => ({ team: s.team, isHome: s.isHome, lines: s.lines, points: sum(s.active, linePoints) });
  return { game, copy, home: result(home), away: result(away) };
}
