/**
 * A small, deterministic league for the Phase 4 tests: four teams, one month of
 * the 2023-24 season (plus one game of the season before, which must never
 * count), Phase 3 rows written directly, play-by-play shots for some games, and
 * prop lines for the last dates. Special cases: a bench player who plays every
 * other game, a player who stops playing (he must leave the roster), and a
 * player traded mid-month.
 */
import { DuckDBWarehouse } from '../../lib/warehouse/duckdb.ts';
import { ensureBaseSchema } from '../../lib/warehouse/open.ts';
import { p } from '../../lib/warehouse/params.ts';
import { PHASE2_TABLES, createTableSql, type TableDef } from '../../lib/seed/schema.ts';
import {
  PLAYER_GAME_SUMMARY, TEAM_DEFENSE_GAME_SUMMARY, TEAM_OFFENSE_GAME_SUMMARY,
  UPCOMING_PLAYER_GAME_CONTEXT, UPCOMING_TEAM_GAME_CONTEXT,
} from '../../lib/jobs/phase3/tables.ts';
import { PHASE4_PROCESSORS, PHASE4_TABLES } from '../../lib/jobs/phase4/index.ts';
import { insertParams } from '../../lib/jobs/dates.ts';
import { addDays } from '../../lib/seasons/calendar.ts';
import type { Row } from '../../lib/warehouse/types.ts';

export const PROJECT = 'nba-props-platform';
export const SEASON_START = '2023-10-24';
export const TEAMS = ['BOS', 'NYK', 'LAL', 'GSW'] as const;
export const ZONES = ['paint', 'mid_range', 'three'] as const;
export type Zone = (typeof ZONES)[number];

export interface Game { game_id: string; game_date: string; season_year: number; home: string; away: string }
export interface PlayerGame {
  game_id: string; game_date: string; season_year: number; player_lookup: string; team_abbr: string;
  opponent_abbr: string; minutes: number; points: number; rebounds: number; assists: number;
  usage_rate: number; fg_attempted: number; fg3_attempted: number;
}
export interface TeamGame {
  game_id: string; game_date: string; season_year: number; team_abbr: string; opponent_abbr: string;
  points_allowed: number; defensive_rating: number; pace: number;
  opp_fg_made: number; opp_fg_attempted: number; opp_fg3_made: number; opp_fg3_attempted: number;
  offense_pace: number;
}
export interface Shot { game_id: string; game_date: string; event_id: number; team_abbr: string; player_lookup: string; shot_zone: Zone; shot_made: boolean }
export interface PropLine { game_id: string; game_date: string; player_lookup: string; team_abbr: string; points_line: number }

export interface Fixture {
  games: Game[];
  playerGames: PlayerGame[];
  teamGames: TeamGame[];
  shots: Shot[];
  props: PropLine[];
}

/** A small deterministic hash: the same inputs always give the same "random" stat. */
function hash(...parts: (string | number)[]): number {
  let h = 2166136261;
  for (const ch of parts.join('|')) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  return h;
}

/** Whether a player plays in his team's game number n (0-based) of the season. */
function plays(player: string, n: number): boolean {
  if (player === 'bos4') return n % 2 === 0; // bench: every other game
  if (player === 'nyk4') return n < 5; // stops playing after 5 games
  return true;
}

const PBP_FROM = '2023-11-05';
/** lal3 is traded to GSW once LAL has played 8 games. */
const TRADE_AFTER_GAMES = 8;

export function buildFixture(): Fixture {
  const games: Game[] = [];
  const pairings = [[[0, 1], [2, 3]], [[0, 2], [1, 3]], [[0, 3], [1, 2]]];
  // The previous season's last game: history must never reach across seasons.
  games.push({ game_id: '0022201230', game_date: '2023-04-09', season_year: 2022, home: 'BOS', away: 'NYK' });
  let k = 0;
  for (let day = 0; day < 35; day++) {
    if (day % 3 === 2) continue; // a rest day every third day
    const date = addDays(SEASON_START, day);
    const matchups = k % 5 === 4 ? pairings[k % 3].slice(0, 1) : pairings[k % 3];
    matchups.forEach(([a, b], m) => {
      const [home, away] = k % 2 === 0 ? [TEAMS[a], TEAMS[b]] : [TEAMS[b], TEAMS[a]];
      games.push({ game_id: `00223${String(k * 2 + m).padStart(5, '0')}`, game_date: date, season_year: 2023, home, away });
    });
    k++;
  }

  const playerGames: PlayerGame[] = [];
  const teamGames: TeamGame[] = [];
  const shots: Shot[] = [];
  const teamGameCount: Record<string, number> = {};
  let gameNo = 0;
  for (const g of games) {
    // Play-by-play for every fourth game from November 5th: earlier windows have none.
    const withShots = g.season_year === 2023 && gameNo % 4 === 1 && g.game_date >= PBP_FROM;
    let eventId = 0;
    // Decided once per game, so lal3 never plays for both sides of one game.
    const traded = g.season_year === 2023 && (teamGameCount['2023LAL'] ?? 0) >= TRADE_AFTER_GAMES;
    for (const [team, opp] of [[g.home, g.away], [g.away, g.home]]) {
      const n = teamGameCount[`${g.season_year}${team}`] ?? 0;
      for (const player of rosterOf(team, traded)) {
        if (!plays(player, n)) continue;
        const h = hash(player, g.game_id);
        const fga = 8 + (h % 9);
        playerGames.push({
          game_id: g.game_id, game_date: g.game_date, season_year: g.season_year, player_lookup: player,
          team_abbr: team, opponent_abbr: opp,
          minutes: 18 + (h % 19) + 0.5, points: 6 + ((h >>> 3) % 25), rebounds: (h >>> 5) % 12,
          assists: (h >>> 7) % 9, usage_rate: 14 + ((h >>> 9) % 130) / 10,
          fg_attempted: fga, fg3_attempted: (h >>> 11) % (fga - 2),
        });
        if (withShots) {
          ZONES.forEach((zone, zi) => {
            const count = (hash(player, g.game_id, zone) % 4) + (zi === 0 ? 1 : 0);
            for (let s = 0; s < count; s++) {
              shots.push({
                game_id: g.game_id, game_date: g.game_date, event_id: ++eventId, team_abbr: team,
                player_lookup: player, shot_zone: zone, shot_made: hash(player, g.game_id, zone, s) % 5 < 2 + (zi === 0 ? 1 : 0),
              });
            }
          });
        }
      }
      const h = hash(team, g.game_id);
      const oppFga = 80 + (h % 15);
      const oppFg3a = 28 + ((h >>> 4) % 12);
      teamGames.push({
        game_id: g.game_id, game_date: g.game_date, season_year: g.season_year, team_abbr: team, opponent_abbr: opp,
        points_allowed: 95 + (h % 30), defensive_rating: 100 + ((h >>> 6) % 200) / 10, pace: 96 + ((h >>> 8) % 80) / 10,
        opp_fg_made: 34 + ((h >>> 10) % 12), opp_fg_attempted: oppFga,
        opp_fg3_made: 9 + ((h >>> 12) % 8), opp_fg3_attempted: oppFg3a,
        offense_pace: 95 + ((h >>> 14) % 90) / 10,
      });
      teamGameCount[`${g.season_year}${team}`] = n + 1;
    }
    gameNo++;
  }

  // Prop lines for the last three game dates, for each team's first player.
  const lastDates = [...new Set(games.map((g) => g.game_date))].slice(-3);
  const props: PropLine[] = playerGames
    .filter((pg) => lastDates.includes(pg.game_date) && pg.player_lookup.endsWith('1'))
    .map((pg) => ({ game_id: pg.game_id, game_date: pg.game_date, player_lookup: pg.player_lookup, team_abbr: pg.team_abbr, points_line: 14.5 + (hash(pg.player_lookup, pg.game_id) % 10) }));

  return { games, playerGames, teamGames, shots, props };
}

/** The players of a team (lal3 moves to GSW after the trade). */
function rosterOf(team: string, traded: boolean): string[] {
  const base = [1, 2, 3, 4].map((i) => `${team.toLowerCase()}${i}`);
  if (team === 'LAL' && traded) return base.filter((pl) => pl !== 'lal3');
  if (team === 'GSW' && traded) return [...base, 'lal3'];
  return base;
}

/** Game dates of the fixture's 2023-24 month. */
export function gameDates(f: Fixture): string[] {
  return [...new Set(f.games.filter((g) => g.season_year === 2023).map((g) => g.game_date))].sort();
}

/** Appends objects as rows in the table's column order; columns they lack are NULL. */
async function append(w: DuckDBWarehouse, table: TableDef, objects: object[]): Promise<void> {
  const names = table.columns.map(([n]) => n);
  const rows = objects.map((o) => names.map((n) => (o as Record<string, unknown>)[n] ?? null));
  await w.append(table.name, names, rows);
}

export async function loadFixture(w: DuckDBWarehouse, f: Fixture): Promise<void> {
  await ensureBaseSchema(w);
  const tables = [
    ...PHASE2_TABLES, PLAYER_GAME_SUMMARY, TEAM_DEFENSE_GAME_SUMMARY, TEAM_OFFENSE_GAME_SUMMARY,
    UPCOMING_TEAM_GAME_CONTEXT, UPCOMING_PLAYER_GAME_CONTEXT, ...PHASE4_TABLES,
  ];
  for (const t of tables) await w.execute(createTableSql(t, PROJECT));
  const schedule = PHASE2_TABLES.find((t) => t.name === 'nba_raw.nbac_schedule')!;
  const shots = PHASE2_TABLES.find((t) => t.name === 'nba_raw.nbac_play_by_play_shots')!;
  await append(w, schedule, f.games.map((g) => ({
    game_id: g.game_id, game_date: g.game_date, game_status: 3, season_year: g.season_year,
    season_type: 'Regular Season', home_team_abbr: g.home, away_team_abbr: g.away,
  })));
  await append(w, PLAYER_GAME_SUMMARY, f.playerGames);
  await append(w, TEAM_DEFENSE_GAME_SUMMARY, f.teamGames);
  await append(w, TEAM_OFFENSE_GAME_SUMMARY, f.teamGames.map((t) => ({
    game_id: t.game_id, game_date: t.game_date, season_year: t.season_year, team_abbr: t.team_abbr,
    opponent_abbr: t.opponent_abbr, pace: t.offense_pace,
  })));
  await append(w, shots, f.shots);
  await append(w, UPCOMING_PLAYER_GAME_CONTEXT, f.props.map((pl) => ({ ...pl, bookmaker_count: 3 })));
}

/** An in-memory warehouse with the fixture loaded, held open until `close`. */
export async function openFixtureWarehouse(f: Fixture): Promise<{ w: DuckDBWarehouse; close: () => Promise<void> }> {
  const w = new DuckDBWarehouse({ file: ':memory:', project: PROJECT });
  // ':memory:' lives only while the connection does: hold it for the whole test.
  let release!: () => void;
  const held = w.hold(() => new Promise<void>((resolve) => { release = resolve; }));
  await loadFixture(w, f);
  return { w, close: async () => { release(); await held; await w.close(); } };
}

/** Runs the five processors in order for the dates, as the runner does: delete, then insert. */
export async function runPhase4(w: DuckDBWarehouse, dates: string[]): Promise<void> {
  for (const proc of PHASE4_PROCESSORS) {
    const params = { dates: p.dates(dates) };
    await w.atomic([
      { sql: `DELETE FROM \`${PROJECT}.${proc.output.name}\` WHERE ${proc.output.dateColumn} IN UNNEST(@dates)`, params },
      { sql: proc.insertSql(PROJECT), params: insertParams(dates) },
    ]);
  }
}

/** Every row of a table, without processed_at, in key order. */
export async function readTable(w: DuckDBWarehouse, table: TableDef): Promise<Row[]> {
  const order = [table.dateColumn, ...table.keys].join(', ');
  const { rows } = await w.query(`SELECT * FROM \`${PROJECT}.${table.name}\` ORDER BY ${order}`);
  return rows.map(({ processed_at: _, ...rest }) => rest);
}
