/**
 * Players and 15-man rosters per team and season. Players keep their name,
 * position and style across seasons; they age, improve or decline, change teams
 * in the off-season, retire, and rookies replace them. Each season gives every
 * player a depth-chart place, the rates that drive his box scores, injury
 * stretches (games he is inactive, with the gamebook's reason) and a form curve.
 */
import { newName } from './names.ts';
import { Rng } from './rng.ts';
import type { SeasonSchedule } from './schedule.ts';
import { TEAMS, TEAM_COUNT } from './teams.ts';

export type Position = 'G' | 'F' | 'C';

const ROSTER_SIZE = 15;

/** What stays with a player from season to season (standard-normal tendencies). */
interface Style {
  three: number;
  touch: number;
  ft: number;
  reb: number;
  pass: number;
  stocks: number;
  fouls: number;
}

export interface Player {
  name: string;
  lookup: string;
  position: Position;
  born: number;
  style: Style;
  /** 30..99 in the season this object belongs to: each off-season makes a new one. */
  rating: number;
}

export interface PlayerSeason {
  player: Player;
  team: number;
  /** 0 = best player on the team; drives minutes and starting. */
  depth: number;
  /** Minutes per game the coach has in mind when everyone is healthy. */
  baseMinutes: number;
  /** Field-goal attempts per 36 minutes. */
  usage: number;
  /** Share of attempts that are threes. */
  threeRate: number;
  fg2Pct: number;
  fg3Pct: number;
  /** Free-throw attempts per field-goal attempt. */
  ftRate: number;
  ftPct: number;
  /** Share of two-point attempts taken in the paint (the rest are mid-range). */
  paintShare: number;
  /** Per-36 weights that split the team's rebounds, assists, … among players on the floor. */
  oreb: number;
  dreb: number;
  ast: number;
  stl: number;
  blk: number;
  tov: number;
  pf: number;
  /** Per team game (postseason included): the gamebook's inactive reason, or null when available. */
  out: (string | null)[];
  /** Per team game: a slow-moving multiplier on usage (hot and cold stretches). */
  form: number[];
}

/** A season's rosters: per team, players in depth order. */
export type SeasonRosters = PlayerSeason[][];

const BASE_MINUTES = [34.5, 33, 31, 29.5, 27.5, 25, 22, 19, 16, 12, 9, 7, 5, 4, 3];

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

function newStyle(rng: Rng): Style {
  const n = () => rng.normal();
  return { three: n(), touch: n(), ft: n(), reb: n(), pass: n(), stocks: n(), fouls: n() };
}

function newPlayer(rng: Rng, taken: Set<string>, suffix: string, year: number, age: number, rating: number): Player {
  const position: Position = rng.chance(0.4) ? 'G' : rng.chance(0.67) ? 'F' : 'C';
  return { ...newName(rng, taken, suffix), position, born: year - age, style: newStyle(rng), rating: clamp(rating, 30, 99) };
}

/** Young players improve, veterans decline. */
function growth(age: number): number {
  if (age <= 21) return 4;
  if (age <= 24) return 2.5;
  if (age <= 27) return 0.8;
  if (age <= 30) return -0.5;
  if (age <= 33) return -2;
  return -3.5;
}

const SIDES = ['Left', 'Right'];
const SHORT = ['Illness', 'Non-COVID Illness', 'Low Back; Soreness', 'Knee; Soreness', 'Ankle; Soreness', 'Hip; Contusion', 'Calf; Tightness'];
const MEDIUM = ['Ankle; Sprain', 'Hamstring; Strain', 'Calf; Strain', 'Groin; Strain', 'Knee; Bone Bruise', 'Wrist; Sprain', 'Foot; Plantar Fasciitis', 'Shoulder; Sprain'];
const LONG = ['Knee; MCL Sprain', 'Hand; Fracture', 'Foot; Fracture', 'Knee; Meniscus Tear', 'Ankle; Surgery', 'Achilles; Tendinopathy'];

function injuryReason(rng: Rng, games: number): string {
  if (games <= 3 && rng.chance(0.12)) return 'Personal Reasons';
  const kind = rng.pick(games <= 3 ? SHORT : games <= 12 ? MEDIUM : LONG);
  const part = kind.includes('Illness') || kind.startsWith('Low Back') ? kind : `${rng.pick(SIDES)} ${kind}`;
  return `Injury/Illness - ${part}`;
}

/** Injury stretches, G League stints, rest nights and (2021-22) health-and-safety absences. */
function absences(rng: Rng, depth: number, age: number, dates: string[]): (string | null)[] {
  const n = dates.length;
  const out = new Array<string | null>(n).fill(null);
  const mark = (from: number, games: number, reason: string) => {
    for (let k = from; k < Math.min(n, from + games); k++) out[k] ??= reason;
  };
  const episodes = rng.poisson(age >= 31 ? 1.7 : 1.1);
  for (let e = 0; e < episodes; e++) {
    const r = rng.next();
    const games = r < 0.55 ? rng.int(1, 3) : r < 0.85 ? rng.int(4, 10) : r < 0.97 ? rng.int(11, 25) : rng.int(26, 60);
    mark(rng.int(0, n - 1), games, injuryReason(rng, games));
  }
  if (depth <= 2 && age >= 30) {
    const rest = `Injury/Illness - ${rng.pick(SIDES)} Knee; Injury Management`;
    for (let k = 0; k < n; k++) if (rng.chance(0.03)) mark(k, 1, rest);
  }
  if (depth >= 12 && age <= 23 && rng.chance(0.5)) mark(rng.int(0, n - 1), rng.int(3, 10), 'G League - On Assignment');
  // The Omicron wave of December 2021 - January 2022 sidelined a large share of the league.
  const wave = dates.findIndex((d) => d >= '2021-12-12');
  if (wave >= 0 && dates[wave] <= '2022-01-10' && rng.chance(0.2)) mark(wave + rng.int(0, 8), rng.int(4, 7), 'Health and Safety Protocols');
  return out;
}

function formCurve(rng: Rng, n: number): number[] {
  const out: number[] = [];
  let f = rng.normal(0, 0.08);
  for (let k = 0; k < n; k++) {
    f = 0.85 * f + rng.normal(0, 0.05);
    out.push(Math.exp(f));
  }
  return out;
}

/** This season's rates from the player's rating, position and style. */
function seasonRates(p: Player, team: number, depth: number, rng: Rng): Omit<PlayerSeason, 'out' | 'form'> {
  const s = p.style;
  const pos = { G: 0, F: 1, C: 2 }[p.position];
  const r = p.rating;
  const usage = clamp(7 + (r - 40) * 0.3 + rng.normal(0, 1.2), 5, 27);
  const reb = [4.6, 6.8, 11][pos] * Math.exp(0.15 * s.reb);
  const orebShare = [0.12, 0.2, 0.3][pos];
  const ast = [6.2, 3.0, 2.6][pos] * Math.exp(0.25 * s.pass) * (1 + (r - 65) * 0.01);
  return {
    player: p, team, depth,
    baseMinutes: clamp(BASE_MINUTES[depth] + rng.normal(0, 1.5), 2, 38),
    usage,
    threeRate: clamp([0.45, 0.4, 0.14][pos] + 0.08 * s.three, 0, 0.75),
    fg2Pct: clamp([0.5, 0.52, 0.6][pos] + 0.025 * s.touch + (r - 65) * 0.0008, 0.4, 0.7),
    fg3Pct: clamp(0.355 + 0.025 * s.touch + 0.01 * s.three, 0.25, 0.44),
    ftRate: clamp(0.2 + [0, 0, 0.05][pos] + (r - 65) * 0.006 + 0.04 * s.fouls, 0.08, 0.6),
    ftPct: clamp([0.82, 0.78, 0.7][pos] + 0.05 * s.ft, 0.5, 0.93),
    paintShare: clamp([0.48, 0.6, 0.85][pos] - 0.05 * s.three, 0.2, 0.95),
    oreb: reb * orebShare,
    dreb: reb * (1 - orebShare),
    ast,
    stl: 1.1 * Math.exp(0.2 * s.stocks),
    blk: [0.35, 0.7, 1.8][pos] * Math.exp(0.3 * s.stocks),
    tov: 1 + usage * 0.08 + ast * 0.12,
    pf: [2.6, 3.0, 3.8][pos] * Math.exp(0.15 * s.fouls),
  };
}

/**
 * Every season's rosters for one scale copy. Seasons are chained (this year's
 * team is last year's, changed), but each step is seeded by (copy, season), so
 * the result never depends on what else was generated.
 */
export function buildRosters(schedules: SeasonSchedule[], copy: number): Map<number, SeasonRosters> {
  const suffix = copy === 0 ? '' : ` (${copy + 1})`;
  const taken = new Set<string>();
  const out = new Map<number, SeasonRosters>();
  let teams: Player[][] = [];
  for (const sched of schedules) {
    const year = sched.plan.season.year;
    const rng = Rng.of('rosters', copy, year);
    if (teams.length === 0) {
      teams = TEAMS.map(() => Array.from({ length: ROSTER_SIZE }, (_, k) =>
        newPlayer(rng, taken, suffix, year, rng.int(20, 34), rng.normal(86 - 3.2 * k, 4))));
    } else {
      teams = offseason(teams, rng, taken, suffix, year);
    }
    const dates = TEAMS.map(() => [] as string[]);
    for (const g of sched.games) { dates[g.home].push(g.date); dates[g.away].push(g.date); }
    out.set(year, teams.map((players, team) => [...players]
      .sort((a, b) => b.rating - a.rating)
      .map((p, depth) => {
        const prng = Rng.of('player-season', copy, year, p.lookup);
        const rates = seasonRates(p, team, depth, prng);
        return { ...rates, out: absences(prng, depth, year - p.born, dates[team]), form: formCurve(prng, dates[team].length) };
      })));
  }
  return out;
}

/** Aging, departures (free agency, trades, retirement), the draft and free-agent signings. */
function offseason(prev: Player[][], rng: Rng, taken: Set<string>, suffix: string, year: number): Player[][] {
  const pool: Player[] = [];
  const teams = prev.map((players) => players.flatMap((last) => {
    const age = year - last.born;
    const p = { ...last, rating: clamp(last.rating + growth(age) + rng.normal(0, 2.5), 30, 99) };
    if ((age >= 35 && rng.chance(0.6)) || (age >= 33 && rng.chance(0.2)) || (p.rating < 42 && rng.chance(0.5))) return [];
    if (rng.chance(0.22)) { pool.push(p); return []; }
    return [p];
  }));
  for (const t of rng.shuffle(TEAMS.map((_, k) => k))) {
    if (teams[t].length < ROSTER_SIZE) teams[t].push(newPlayer(rng, taken, suffix, year, rng.int(19, 22), rng.normal(rng.chance(0.3) ? 64 : 52, 6)));
  }
  // Best free agents sign first, each with a team that still has room.
  pool.sort((a, b) => b.rating - a.rating);
  for (const p of pool) {
    const open = TEAMS.map((_, k) => k).filter((k) => teams[k].length < ROSTER_SIZE);
    if (open.length > 0) teams[rng.pick(open)].push(p);
  }
  for (let t = 0; t < TEAM_COUNT; t++) {
    while (teams[t].length < ROSTER_SIZE) teams[t].push(newPlayer(rng, taken, suffix, year, rng.int(23, 29), rng.normal(48, 5)));
  }
  return teams;
}
