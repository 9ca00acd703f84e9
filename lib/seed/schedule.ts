/**
 * Season schedules: the regular season placed on the calendar, each game's
 * outcome, then the play-in and a best-of-seven bracket seeded from the
 * standings those outcomes produce. Outcomes live here, not in the box scores,
 * so standings (and so the playoff field) need no box score at all: a playoff
 * date can be regenerated without replaying the season.
 *
 * The schedule is shared by every scale copy of the league; copies differ in
 * rosters and box scores only, so the set of game dates never changes with scale.
 */
import { addDays } from '../seasons/calendar.ts';
import { gameDays, type GameDay } from './gamedays.ts';
import { seasonMatchups, type Matchup } from './matchups.ts';
import { Rng } from './rng.ts';
import { SEASON_PLANS, type SeasonPlan } from './seasons.ts';
import { TEAMS, TEAM_COUNT, type Conference } from './teams.ts';

export type SeasonType = 'Regular Season' | 'PlayIn' | 'Playoffs';

export interface ScheduledGame {
  /** Copy 0's NBA.com-style id; scale copies replace its leading '00'. */
  id: string;
  date: string;
  seasonYear: number;
  seasonType: SeasonType;
  home: number;
  away: number;
  homeWins: boolean;
  overtimePeriods: number;
  /** Each team's game number in its season (0-based, postseason continuing): keys injuries and form. */
  homeGameNo: number;
  awayGameNo: number;
}

export interface SeasonSchedule {
  plan: SeasonPlan;
  /** By date, postseason included. */
  games: ScheduledGame[];
}

const MAX_GAMES_PER_DAY = TEAM_COUNT / 2;
/** How much a back-to-back costs a pairing in the greedy's score (≈ 13–15 per team a season). */
const TIRED_PENALTY = 0.2;

/** Team strength, carried over from season to season with regression to the mean. */
function strengths(): Map<number, number[]> {
  const out = new Map<number, number[]>();
  let prev: number[] | null = null;
  for (const { season } of SEASON_PLANS) {
    const rng = Rng.of('strength', season.year);
    const cur: number[] = TEAMS.map((_, t) => (prev ? 0.6 * prev[t] + rng.normal(0, 0.8) : rng.normal(0, 1)));
    out.set(season.year, cur);
    prev = cur;
  }
  return out;
}

function decide(id: string, home: number, away: number, s: number[]): { homeWins: boolean; overtimePeriods: number } {
  const rng = Rng.of('outcome', id);
  const p = 1 / (1 + Math.exp(-(0.6 * (s[home] - s[away]) + 0.22))); // ≈ 55 % home wins
  const homeWins = rng.chance(p);
  const overtimePeriods = rng.chance(0.06) ? (rng.chance(0.85) ? 1 : rng.chance(0.8) ? 2 : 3) : 0;
  return { homeWins, overtimePeriods };
}

interface Slot {
  matchup: Matchup;
  day: GameDay;
}

/**
 * Greedy placement, day by day: teams furthest behind their pace play first,
 * rested teams before tired ones, the same pairing kept ten days apart where possible.
 * Nobody plays three days running; back-to-backs are budgeted per team. What
 * the greedy cannot place (rare, at the end) is slotted into the least busy day
 * that keeps those rules.
 */
function placeRegularSeason(matchups: Matchup[], days: GameDay[], rng: Rng): Slot[] {
  const played: Set<number>[] = TEAMS.map(() => new Set<number>());
  const remaining = new Array<number>(TEAM_COUNT).fill(0);
  for (const m of matchups) { remaining[m.home]++; remaining[m.away]++; }
  const b2b = new Array<number>(TEAM_COUNT).fill(0);
  const b2bBudget = TEAMS.map(() => rng.int(12, 16));
  const pairLast = new Map<string, number>();
  const pairKey = (m: Matchup) => (m.home < m.away ? `${m.home}-${m.away}` : `${m.away}-${m.home}`);
  const slots: Slot[] = [];
  const count = new Map<number, number>();
  let pool = matchups.slice();
  let carry = 0;

  const threeInARow = (t: number, day: number) =>
    (played[t].has(day - 1) && played[t].has(day - 2)) ||
    (played[t].has(day - 1) && played[t].has(day + 1)) ||
    (played[t].has(day + 1) && played[t].has(day + 2));

  const place = (m: Matchup, day: GameDay) => {
    for (const t of [m.home, m.away]) {
      if (played[t].has(day.day - 1) || played[t].has(day.day + 1)) b2b[t]++;
      played[t].add(day.day);
      remaining[t]--;
    }
    pairLast.set(pairKey(m), day.day);
    count.set(day.day, (count.get(day.day) ?? 0) + 1);
    slots.push({ matchup: m, day });
  };

  days.forEach((gd, g) => {
    const daysLeft = days.length - g;
    const want = Math.min(MAX_GAMES_PER_DAY, gd.target + carry);
    const need = remaining.map((r) => r / daysLeft);
    const tired = (t: number) => played[t].has(gd.day - 1);
    const eligible = (t: number) => !tired(t) || (!threeInARow(t, gd.day) && (b2b[t] < b2bBudget[t] || need[t] > 0.75));
    const scored = pool
      .filter((m) => eligible(m.home) && eligible(m.away))
      .map((m) => {
        const met = pairLast.get(pairKey(m));
        const score = need[m.home] + need[m.away] + rng.next() * 0.3
          - TIRED_PENALTY * (Number(tired(m.home)) + Number(tired(m.away)))
          - (met !== undefined && gd.day - met < 10 ? 0.5 : 0);
        return { m, score };
      })
      .sort((a, b) => b.score - a.score);
    const busy = new Set<number>();
    const chosen = new Set<Matchup>();
    for (const { m } of scored) {
      if (chosen.size >= want) break;
      if (busy.has(m.home) || busy.has(m.away)) continue;
      busy.add(m.home);
      busy.add(m.away);
      chosen.add(m);
      place(m, gd);
    }
    carry = want - chosen.size;
    pool = pool.filter((m) => !chosen.has(m));
  });

  for (const m of pool) {
    const free = days.filter((gd) => !gd.fixed && (count.get(gd.day) ?? 0) < MAX_GAMES_PER_DAY
      && ![m.home, m.away].some((t) => played[t].has(gd.day) || threeInARow(t, gd.day)));
    if (free.length === 0) throw new Error(`schedule: no day left for ${TEAMS[m.home].abbr}-${TEAMS[m.away].abbr}`);
    const load = (gd: GameDay) => (count.get(gd.day) ?? 0) / gd.target;
    place(m, free.reduce((best, gd) => (load(gd) < load(best) ? gd : best)));
  }
  return slots;
}

/** A best-of-seven in progress; `high` has home court (better seed, or record in the Finals). */
interface Series {
  round: number;
  index: number;
  high: number;
  low: number;
  wins: [high: number, low: number];
  /** Earliest day (offset from the first playoff day) of its next game. */
  next: number;
  /** Day of its last game so far. */
  last: number;
}

/** Home court for games 1..7 (2-2-1-1-1): true when the higher seed hosts. */
const HIGH_HOSTS = [true, true, false, false, true, false, true];
/** The league's TV windows: four playoff games on a weekend day, three on a weeknight. */
const playoffSlots = (date: string) => ([0, 6].includes(new Date(`${date}T00:00:00Z`).getUTCDay()) ? 4 : 3);

function postseason(plan: SeasonPlan, regular: ScheduledGame[], s: number[]): ScheduledGame[] {
  const year = plan.season.year;
  const yy = String(year % 100).padStart(2, '0');
  const wins = new Array<number>(TEAM_COUNT).fill(0);
  for (const g of regular) wins[g.homeWins ? g.home : g.away]++;
  const tiebreak = TEAMS.map((_, t) => Rng.of('tiebreak', year, t).next());
  const standings = (conf: Conference) => TEAMS.map((_, t) => t)
    .filter((t) => TEAMS[t].conference === conf)
    .sort((a, b) => wins[b] - wins[a] || tiebreak[b] - tiebreak[a]);

  const out: ScheduledGame[] = [];
  const game = (id: string, date: string, seasonType: SeasonType, home: number, away: number) => {
    const g: ScheduledGame = { id, date, seasonYear: year, seasonType, home, away, ...decide(id, home, away, s), homeGameNo: 0, awayGameNo: 0 };
    out.push(g);
    return g;
  };
  const winner = (g: ScheduledGame) => (g.homeWins ? g.home : g.away);
  const loser = (g: ScheduledGame) => (g.homeWins ? g.away : g.home);

  // Play-in: 7 v 8 (winner is the 7 seed) and 9 v 10 first, then the 7-8 loser hosts the 9-10 winner for the 8 seed.
  const seeds = new Map<Conference, number[]>();
  let playIn = 0;
  const playInId = () => `005${yy}${String(++playIn).padStart(5, '0')}`;
  const openers = new Map<Conference, [ScheduledGame, ScheduledGame]>();
  (['East', 'West'] as const).forEach((conf, k) => {
    const st = standings(conf);
    const date = addDays(plan.end, 2 + k);
    openers.set(conf, [game(playInId(), date, 'PlayIn', st[6], st[7]), game(playInId(), date, 'PlayIn', st[8], st[9])]);
  });
  (['East', 'West'] as const).forEach((conf, k) => {
    const [a, b] = openers.get(conf)!;
    const last = game(playInId(), addDays(plan.end, 4 + k), 'PlayIn', loser(a), winner(b));
    seeds.set(conf, [...standings(conf).slice(0, 6), winner(a), winner(last)]);
  });

  // Bracket order 1-8, 4-5, 3-6, 2-7 per conference, so that neighbours meet in the next round.
  const seedOf = new Map<number, number>();
  for (const st of seeds.values()) st.forEach((t, k) => seedOf.set(t, k + 1));
  const open: (Series | null)[] = [];
  (['East', 'West'] as const).forEach((conf) => {
    const st = seeds.get(conf)!;
    for (const [hi, lo] of [[0, 7], [3, 4], [2, 5], [1, 6]]) {
      const index = open.length;
      open.push({ round: 1, index, high: st[hi], low: st[lo], wins: [0, 0], next: index % 2, last: -1 });
    }
  });

  // Day by day: ready series play, longest-waiting first, up to the day's slots; a finished
  // pair of neighbours opens the next round after two or three days' rest (four to seven before the Finals).
  const rng = Rng.of('postseason', year);
  const first = addDays(plan.end, 6);
  const finished: Series[][] = [[], [], [], [], []];
  for (let day = 0; finished[4].length === 0; day++) {
    const ready = open.filter((x): x is Series => x !== null && x.next <= day).sort((a, b) => a.next - b.next || a.index - b.index);
    for (const x of ready.slice(0, playoffSlots(addDays(first, day)))) {
      const n = x.wins[0] + x.wins[1];
      const [home, away] = HIGH_HOSTS[n] ? [x.high, x.low] : [x.low, x.high];
      const g = game(`004${yy}00${x.round}${x.index}${n + 1}`, addDays(first, day), 'Playoffs', home, away);
      x.wins[winner(g) === x.high ? 0 : 1]++;
      x.last = day;
      x.next = day + (x.round === 4 ? [3, 2, 3, 2, 3, 3][n] : rng.chance(n === 1 ? 0.4 : 0.2) ? 3 : 2);
      if (Math.max(...x.wins) < 4) continue;
      open[open.indexOf(x)] = null;
      finished[x.round].push(x);
      const sibling = finished[x.round].find((y) => y.index === (x.index ^ 1));
      if (x.round === 4 || !sibling) continue;
      const [a, b] = [x, sibling].map((y) => (y.wins[0] === 4 ? y.high : y.low));
      const finals = x.round === 3;
      const [high, low] = (finals ? wins[a] + tiebreak[a] >= wins[b] + tiebreak[b] : seedOf.get(a)! <= seedOf.get(b)!) ? [a, b] : [b, a];
      const rest = finals ? rng.int(4, 7) : rng.int(2, 3);
      open.push({ round: x.round + 1, index: x.index >> 1, high, low, wins: [0, 0], next: Math.max(x.last, sibling.last) + rest, last: -1 });
    }
  }
  return out;
}

function seasonSchedule(plan: SeasonPlan, s: number[]): SeasonSchedule {
  const year = plan.season.year;
  const yy = String(year % 100).padStart(2, '0');
  const matchups = seasonMatchups(year % 5);
  const rng = Rng.of('schedule', year);
  const slots = placeRegularSeason(matchups, gameDays(plan, matchups.length, rng), rng)
    .sort((a, b) => a.day.day - b.day.day || a.matchup.home - b.matchup.home);
  const regular = slots.map(({ matchup, day }, k): ScheduledGame => {
    const id = `002${yy}${String(k + 1).padStart(5, '0')}`;
    return {
      id, date: day.date, seasonYear: year, seasonType: 'Regular Season', home: matchup.home, away: matchup.away,
      ...decide(id, matchup.home, matchup.away, s), homeGameNo: 0, awayGameNo: 0,
    };
  });
  const games = plan.postseason ? [...regular, ...postseason(plan, regular, s)] : regular;
  games.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.id < b.id ? -1 : 1));
  const gameCount = new Array<number>(TEAM_COUNT).fill(0);
  for (const g of games) {
    g.homeGameNo = gameCount[g.home]++;
    g.awayGameNo = gameCount[g.away]++;
  }
  return { plan, games };
}

/** All four seasons, deterministic: the same games, dates and winners every time. */
export function buildSchedules(): SeasonSchedule[] {
  const s = strengths();
  return SEASON_PLANS.map((plan) => seasonSchedule(plan, s.get(plan.season.year)!));
}
