/**
 * Small, hand-checkable Phase 2 (`nba_raw`) data sets for tests, shared by the
 * Phase 3 and Phase 4 suites.
 *
 * A test describes games and their players' box-score lines; the builder derives
 * every source from them consistently: gamebook rows, bdl rows (in bdl's own
 * vocabulary: all-FG fgm, 'MM:SS' minutes, no plus/minus, active players only),
 * team box scores (the sums of the players' lines) and the schedule (scores = team
 * points). Gaps in Phase 2 are switches on a game or a player line.
 *
 *   const fx = new RawFixtureBuilder()
 *     .game({ gameId: 'G1', date: '2024-10-22', home: 'BOS', away: 'NYK',
 *             players: [...rotation('BOS', 'G1'), ...rotation('NYK', 'G1')] })
 *     .props({ gameId: 'G1', player: 'bos1', team: 'BOS', lines: { draftkings: 26.5 } })
 *     .build();
 *   const { w, close } = await openFixtureWarehouse(fx, [PLAYER_GAME_SUMMARY]);
 */
import { DuckDBWarehouse } from '../../lib/warehouse/duckdb.ts';
import { ensureBaseSchema } from '../../lib/warehouse/open.ts';
import { PHASE2_TABLES, createTableSql, type TableDef } from '../../lib/seed/schema.ts';

export const FIXTURE_PROJECT = 'nba-props-platform';

export type RawValue = string | number | boolean | null;
export type RawRow = Record<string, RawValue>;

/** Phase 2 table names, without the dataset. */
export type RawTable =
  | 'nbac_schedule' | 'nbac_team_boxscore' | 'nbac_gamebook_player_stats'
  | 'bdl_player_boxscores' | 'odds_api_player_points_props' | 'nbac_play_by_play_shots';

const RAW_TABLES: RawTable[] = [
  'nbac_schedule', 'nbac_team_boxscore', 'nbac_gamebook_player_stats',
  'bdl_player_boxscores', 'odds_api_player_points_props', 'nbac_play_by_play_shots',
];

/** A box-score line in the gamebook's vocabulary (2-point and 3-point shots apart). */
export interface BoxLine {
  fg2_made: number; fg2_attempted: number;
  fg3_made: number; fg3_attempted: number;
  ft_made: number; ft_attempted: number;
  offensive_rebounds: number; defensive_rebounds: number;
  assists: number; steals: number; blocks: number;
  turnovers: number; personal_fouls: number; plus_minus: number;
}

const LINE_KEYS: (keyof BoxLine)[] = [
  'fg2_made', 'fg2_attempted', 'fg3_made', 'fg3_attempted', 'ft_made', 'ft_attempted',
  'offensive_rebounds', 'defensive_rebounds', 'assists', 'steals', 'blocks',
  'turnovers', 'personal_fouls', 'plus_minus',
];

export type PlayerStatus = 'active' | 'inactive' | 'dnp';

export interface PlayerLineSpec {
  player: string;
  team: string;
  /** Default 'active'. Inactive and DNP players appear in the gamebook only, without stats. */
  status?: PlayerStatus;
  statusReason?: string;
  /** Decimal minutes for an active player; use quarter minutes so 'MM:SS' round-trips exactly. */
  minutes?: number;
  starter?: boolean;
  /** Default: syntheticLine(player + game id, minutes). */
  line?: BoxLine;
  /** Leave the line out of one source (a player only one source knows). Default: both. */
  inGamebook?: boolean;
  inBdl?: boolean;
}

export interface GameSpec {
  gameId: string;
  date: string;
  home: string;
  away: string;
  /** Default: the year the season starts (dates from August on belong to that year's season). */
  seasonYear?: number;
  seasonType?: 'Regular Season' | 'PlayIn' | 'Playoffs';
  /** 1 scheduled, 2 live, 3 final (default). Only final games get box scores. */
  status?: 1 | 2 | 3;
  overtime?: number;
  players: PlayerLineSpec[];
  /** Set false to leave a whole source without this game (a Phase 2 gap). */
  gamebook?: boolean;
  bdl?: boolean;
  teamBox?: boolean;
}

export interface PropSpec {
  gameId: string;
  player: string;
  /** The team as the props feed labels it (which may be stale). */
  team: string;
  /** Points line by bookmaker. */
  lines: Record<string, number>;
}

export interface RawFixture {
  /** Rows by Phase 2 table, keyed by column name. */
  tables: Record<RawTable, RawRow[]>;
  /** The game specs as given, for tests that compute expectations from intent. */
  games: GameSpec[];
}

/** Team minutes: 240 in regulation, +25 (5 players × 5) per overtime. */
export function teamMinutes(overtime = 0): number {
  return 240 + 25 * overtime;
}

/** Decimal minutes → bdl's 'MM:SS'. */
export function toMinutesText(minutes: number): string {
  const seconds = Math.round(minutes * 60);
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

export function pointsOf(l: BoxLine): number {
  return 2 * l.fg2_made + 3 * l.fg3_made + l.ft_made;
}

/** A deterministic pseudo-random source (FNV-1a seed, mulberry32), so fixtures never change between runs. */
export function seededRandom(seed: string): () => number {
  let h = 0x811c9dc5;
  for (const ch of seed) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193);
  let a = h >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A plausible line for the minutes played, the same for the same seed. */
export function syntheticLine(seed: string, minutes: number): BoxLine {
  const r = seededRandom(seed);
  const per = (lo: number, hi: number) => Math.round(minutes * (lo + (hi - lo) * r()));
  const share = (of: number, lo: number, hi: number) => Math.round(of * (lo + (hi - lo) * r()));
  const fg2a = per(0.15, 0.45);
  const fg3a = per(0.05, 0.25);
  const fta = per(0, 0.15);
  return {
    fg2_attempted: fg2a, fg2_made: share(fg2a, 0.4, 0.6),
    fg3_attempted: fg3a, fg3_made: share(fg3a, 0.25, 0.45),
    ft_attempted: fta, ft_made: share(fta, 0.6, 0.9),
    offensive_rebounds: per(0, 0.08), defensive_rebounds: per(0.05, 0.2),
    assists: per(0, 0.2), steals: per(0, 0.05), blocks: per(0, 0.05),
    turnovers: per(0, 0.08), personal_fouls: per(0.02, 0.12),
    plus_minus: Math.round(-15 + 30 * r()),
  };
}

/** Minutes of an eight-man regulation rotation: quarter minutes, summing to 240. */
export const ROTATION_MINUTES = [36.5, 33.5, 32.25, 29.75, 28, 28, 26, 26] as const;

/**
 * A team's lines for a game: players `<team>1` … `<team>8` (lower case) play
 * ROTATION_MINUTES (the starters 5 more per overtime, so the total is the team's
 * minutes) and `<team>9` is a DNP; `swap` puts a bench player in for a rotation
 * player (the latter becomes the DNP or the inactive one).
 */
export function rotation(team: string, gameId: string, opts: {
  overtime?: number;
  swap?: { out: string; in: string; status?: PlayerStatus; reason?: string };
} = {}): PlayerLineSpec[] {
  const prefix = team.toLowerCase();
  const ot = opts.overtime ?? 0;
  let names = ROTATION_MINUTES.map((_, k) => `${prefix}${k + 1}`);
  let bench = `${prefix}9`;
  if (opts.swap) {
    names = names.map((n) => (n === opts.swap!.out ? opts.swap!.in : n));
    bench = opts.swap.out;
  }
  const lines: PlayerLineSpec[] = names.map((player, k) => {
    const minutes = ROTATION_MINUTES[k] + (k < 5 ? 5 * ot : 0);
    return { player, team, minutes, starter: k < 5, line: syntheticLine(`${player}/${gameId}`, minutes) };
  });
  const status = opts.swap?.status ?? 'dnp';
  lines.push({ player: bench, team, status, statusReason: opts.swap?.reason ?? (status === 'dnp' ? "Coach's Decision" : 'Injury/Illness') });
  return lines;
}

function defaultSeasonYear(date: string): number {
  const year = Number(date.slice(0, 4));
  return Number(date.slice(5, 7)) >= 8 ? year : year - 1;
}

function sumLines(lines: BoxLine[]): BoxLine {
  return Object.fromEntries(LINE_KEYS.map((k) => [k, lines.reduce((s, l) => s + l[k], 0)])) as unknown as BoxLine;
}

export class RawFixtureBuilder {
  private readonly tables = Object.fromEntries(RAW_TABLES.map((t) => [t, [] as RawRow[]])) as Record<RawTable, RawRow[]>;
  private readonly games: GameSpec[] = [];

  /** A game and every source row it implies. */
  game(given: GameSpec): this {
    const spec: GameSpec = { ...given, players: given.players.map((pl) => ({ ...pl })) }; // breakTie may amend a line
    const final = (spec.status ?? 3) === 3;
    const active = spec.players.filter((pl) => (pl.status ?? 'active') === 'active');
    const lineOf = (pl: PlayerLineSpec): BoxLine => pl.line ?? syntheticLine(`${pl.player}/${spec.gameId}`, pl.minutes ?? 0);
    if (final) this.breakTie(spec, active, lineOf);

    const teamLine = (team: string) => sumLines(active.filter((pl) => pl.team === team).map(lineOf));
    const home = teamLine(spec.home);
    const away = teamLine(spec.away);
    this.games.push(spec);
    this.tables.nbac_schedule.push({
      game_id: spec.gameId, game_date: spec.date, game_status: spec.status ?? 3,
      season_year: spec.seasonYear ?? defaultSeasonYear(spec.date), season_type: spec.seasonType ?? 'Regular Season',
      home_team_abbr: spec.home, away_team_abbr: spec.away,
      home_team_score: final ? pointsOf(home) : null, away_team_score: final ? pointsOf(away) : null,
      overtime_periods: final ? spec.overtime ?? 0 : null,
    });
    if (!final) return this; // nothing is recorded before a game is final

    if (spec.teamBox !== false) {
      for (const [team, opponent, line, isHome] of [[spec.home, spec.away, home, true], [spec.away, spec.home, away, false]] as const) {
        const { plus_minus: _ignored, ...counts } = line;
        this.tables.nbac_team_boxscore.push({
          game_id: spec.gameId, game_date: spec.date, team_abbr: team, opponent_abbr: opponent, is_home: isHome,
          minutes: teamMinutes(spec.overtime), points: pointsOf(line), ...counts,
        });
      }
    }
    for (const pl of spec.players) {
      const status = pl.status ?? 'active';
      const line = status === 'active' ? lineOf(pl) : null;
      if (spec.gamebook !== false && pl.inGamebook !== false) {
        this.tables.nbac_gamebook_player_stats.push({
          game_id: spec.gameId, game_date: spec.date, player_lookup: pl.player,
          player_name: displayName(pl.player), team_abbr: pl.team, player_status: status,
          status_reason: pl.statusReason ?? null, starter: line ? pl.starter ?? false : false,
          minutes: line ? pl.minutes ?? 0 : null, points: line ? pointsOf(line) : null,
          ...(line ?? nullLine()),
        });
      }
      if (line && spec.bdl !== false && pl.inBdl !== false) {
        this.tables.bdl_player_boxscores.push({
          game_id: spec.gameId, game_date: spec.date, player_lookup: pl.player, team_abbr: pl.team,
          minutes: toMinutesText(pl.minutes ?? 0), points: pointsOf(line),
          fgm: line.fg2_made + line.fg3_made, fga: line.fg2_attempted + line.fg3_attempted,
          fg3m: line.fg3_made, fg3a: line.fg3_attempted, ftm: line.ft_made, fta: line.ft_attempted,
          oreb: line.offensive_rebounds, dreb: line.defensive_rebounds,
          reb: line.offensive_rebounds + line.defensive_rebounds,
          ast: line.assists, stl: line.steals, blk: line.blocks, turnover: line.turnovers, pf: line.personal_fouls,
        });
      }
    }
    return this;
  }

  /** One odds row per bookmaker, captured the morning of the game. */
  props(spec: PropSpec): this {
    const game = this.games.find((g) => g.gameId === spec.gameId);
    if (!game) throw new Error(`props for unknown game ${spec.gameId}: add the game first`);
    for (const [bookmaker, line] of Object.entries(spec.lines)) {
      this.tables.odds_api_player_points_props.push({
        game_id: spec.gameId, game_date: game.date, player_lookup: spec.player, team_abbr: spec.team,
        bookmaker, points_line: line, over_price: -110, under_price: -110,
        snapshot_timestamp: `${game.date}T16:00:00.000Z`,
      });
    }
    return this;
  }

  /** Any other row, as is (play-by-play shots, a deliberately odd record). */
  row(table: RawTable, row: RawRow): this {
    this.tables[table].push(row);
    return this;
  }

  build(): RawFixture {
    return { tables: structuredClone(this.tables), games: structuredClone(this.games) };
  }

  /** A tied final would make "win" meaningless: give the home team's first player one more free throw. */
  private breakTie(spec: GameSpec, active: PlayerLineSpec[], lineOf: (pl: PlayerLineSpec) => BoxLine): void {
    const points = (team: string) => active.filter((pl) => pl.team === team).reduce((s, pl) => s + pointsOf(lineOf(pl)), 0);
    if (points(spec.home) !== points(spec.away)) return;
    const first = active.find((pl) => pl.team === spec.home);
    if (!first) return;
    const line = { ...lineOf(first) };
    line.ft_made++;
    line.ft_attempted++;
    first.line = line;
  }
}

function displayName(lookup: string): string {
  return lookup.toUpperCase();
}

function nullLine(): Record<keyof BoxLine, null> {
  return Object.fromEntries(LINE_KEYS.map((k) => [k, null])) as Record<keyof BoxLine, null>;
}

/** Distinct game dates of the fixture's schedule, sorted (every status). */
export function fixtureDates(fx: RawFixture): string[] {
  return [...new Set(fx.tables.nbac_schedule.map((r) => String(r.game_date)))].sort();
}

/**
 * An in-memory warehouse holding the fixture: the datasets, every Phase 2 table
 * (loaded) and the given output tables (empty). An in-memory database lives only
 * while it is open, so the warehouse is held open until `close()`.
 */
export async function openFixtureWarehouse(fx: RawFixture, outputTables: TableDef[] = []): Promise<{
  w: DuckDBWarehouse;
  close: () => Promise<void>;
}> {
  const w = new DuckDBWarehouse({ file: ':memory:', project: FIXTURE_PROJECT });
  let letGo!: () => void;
  const held = w.hold(() => new Promise<void>((resolve) => { letGo = resolve; }));
  held.catch(() => undefined); // an open failure surfaces from the first statement below
  await ensureBaseSchema(w);
  for (const t of [...PHASE2_TABLES, ...outputTables]) await w.execute(createTableSql(t, FIXTURE_PROJECT));
  for (const t of PHASE2_TABLES) {
    const rows = fx.tables[t.name.split('.')[1] as RawTable] ?? [];
    if (!rows.length) continue;
    const columns = t.columns.map(([name]) => name);
    await w.append(t.name, columns, rows.map((r) => columns.map((c) => r[c] ?? null)));
  }
  return {
    w,
    close: async () => {
      letGo?.();
      await held.catch(() => undefined);
      await w.close();
    },
  };
}
