/**
 * Phase 2 rows, one interface per table with exactly the columns of schema.ts,
 * and the builders that turn a played game into them. Values are already in the
 * warehouse's normalised shapes (dates 'YYYY-MM-DD', timestamps ISO with
 * milliseconds), so rows read back from the warehouse compare equal.
 *
 * Players who did not play ('inactive', 'dnp') have a gamebook row with NULL
 * minutes and NULL stats: "did not play" is not "scored 0", and SUM/AVG skip NULLs.
 */
import { linePoints, type GameResult, type PlayerLine, type TeamResult } from './boxscores.ts';
import type { ScheduledGame } from './schedule.ts';
import { teamAbbr } from './teams.ts';

export interface ScheduleRow {
  game_id: string; game_date: string; game_status: number; season_year: number; season_type: string;
  home_team_abbr: string; away_team_abbr: string;
  home_team_score: number | null; away_team_score: number | null; overtime_periods: number | null;
}

interface Totals {
  points: number;
  fg2_made: number; fg2_attempted: number; fg3_made: number; fg3_attempted: number; ft_made: number; ft_attempted: number;
  offensive_rebounds: number; defensive_rebounds: number;
  assists: number; steals: number; blocks: number; turnovers: number; personal_fouls: number;
}

export interface TeamBoxRow extends Totals {
  game_id: string; game_date: string; team_abbr: string; opponent_abbr: string; is_home: boolean; minutes: number;
}

type Nullable<T> = { [K in keyof T]: T[K] | null };

export interface GamebookRow extends Nullable<Totals> {
  game_id: string; game_date: string; player_lookup: string; player_name: string; team_abbr: string;
  player_status: string; status_reason: string | null; starter: boolean; minutes: number | null; plus_minus: number | null;
}

export interface BdlRow {
  game_id: string; game_date: string; player_lookup: string; team_abbr: string; minutes: string; points: number;
  fgm: number; fga: number; fg3m: number; fg3a: number; ftm: number; fta: number;
  oreb: number; dreb: number; reb: number; ast: number; stl: number; blk: number; turnover: number; pf: number;
}

export interface PropRow {
  game_id: string; game_date: string; player_lookup: string; team_abbr: string; bookmaker: string;
  points_line: number; over_price: number; under_price: number; snapshot_timestamp: string;
}

export interface ShotRow {
  game_id: string; game_date: string; event_id: number; period: number; team_abbr: string; player_lookup: string;
  shot_zone: 'paint' | 'mid_range' | 'three'; shot_distance_ft: number; shot_made: boolean;
}

/** Rows per Phase 2 table, keyed by the table's name in nba_raw. */
export interface Phase2Rows {
  nbac_schedule: ScheduleRow[];
  nbac_team_boxscore: TeamBoxRow[];
  nbac_gamebook_player_stats: GamebookRow[];
  bdl_player_boxscores: BdlRow[];
  odds_api_player_points_props: PropRow[];
  nbac_play_by_play_shots: ShotRow[];
}

export type Phase2Table = keyof Phase2Rows;

export const PHASE2_TABLE_NAMES: readonly Phase2Table[] = [
  'nbac_schedule', 'nbac_team_boxscore', 'nbac_gamebook_player_stats',
  'bdl_player_boxscores', 'odds_api_player_points_props', 'nbac_play_by_play_shots',
];

export function emptyRows(): Phase2Rows {
  return {
    nbac_schedule: [], nbac_team_boxscore: [], nbac_gamebook_player_stats: [],
    bdl_player_boxscores: [], odds_api_player_points_props: [], nbac_play_by_play_shots: [],
  };
}

/** Copy 0 keeps the NBA.com id; copy k replaces its leading '00' with k ('0122100001'). */
export function copyGameId(id: string, copy: number): string {
  return copy === 0 ? id : `${String(copy).padStart(2, '0')}${id.slice(2)}`;
}

export function scheduleRow(game: ScheduledGame, copy: number, result: GameResult | null): ScheduleRow {
  return {
    game_id: copyGameId(game.id, copy),
    game_date: game.date,
    game_status: result ? 3 : 1,
    season_year: game.seasonYear,
    season_type: game.seasonType,
    home_team_abbr: teamAbbr(game.home, copy),
    away_team_abbr: teamAbbr(game.away, copy),
    home_team_score: result ? result.home.points : null,
    away_team_score: result ? result.away.points : null,
    overtime_periods: result ? game.overtimePeriods : null,
  };
}

function totals(lines: PlayerLine[]): Totals {
  const t: Totals = {
    points: 0, fg2_made: 0, fg2_attempted: 0, fg3_made: 0, fg3_attempted: 0, ft_made: 0, ft_attempted: 0,
    offensive_rebounds: 0, defensive_rebounds: 0, assists: 0, steals: 0, blocks: 0, turnovers: 0, personal_fouls: 0,
  };
  for (const l of lines) {
    if (l.status !== 'active') continue;
    t.points += linePoints(l);
    t.fg2_made += l.fg2m; t.fg2_attempted += l.fg2a;
    t.fg3_made += l.fg3m; t.fg3_attempted += l.fg3a;
    t.ft_made += l.ftm; t.ft_attempted += l.fta;
    t.offensive_rebounds += l.oreb; t.defensive_rebounds += l.dreb;
    t.assists += l.ast; t.steals += l.stl; t.blocks += l.blk; t.turnovers += l.tov; t.personal_fouls += l.pf;
  }
  return t;
}

export function teamBoxRows(r: GameResult): TeamBoxRow[] {
  const row = (s: TeamResult, opp: TeamResult): TeamBoxRow => ({
    game_id: copyGameId(r.game.id, r.copy),
    game_date: r.game.date,
    team_abbr: teamAbbr(s.team, r.copy),
    opponent_abbr: teamAbbr(opp.team, r.copy),
    is_home: s.isHome,
    minutes: 240 + 25 * r.game.overtimePeriods,
    ...totals(s.lines),
  });
  return [row(r.home, r.away), row(r.away, r.home)];
}

export function gamebookRows(r: GameResult): GamebookRow[] {
  return [r.home, r.away].flatMap((s) => s.lines.map((l): GamebookRow => {
    const played = l.status === 'active';
    const stat = (v: number) => (played ? v : null);
    return {
      game_id: copyGameId(r.game.id, r.copy),
      game_date: r.game.date,
      player_lookup: l.ps.player.lookup,
      player_name: l.ps.player.name,
      team_abbr: teamAbbr(s.team, r.copy),
      player_status: l.status,
      status_reason: l.reason,
      starter: l.starter,
      minutes: played ? l.tenths / 10 : null,
      points: stat(linePoints(l)),
      fg2_made: stat(l.fg2m), fg2_attempted: stat(l.fg2a),
      fg3_made: stat(l.fg3m), fg3_attempted: stat(l.fg3a),
      ft_made: stat(l.ftm), ft_attempted: stat(l.fta),
      offensive_rebounds: stat(l.oreb), defensive_rebounds: stat(l.dreb),
      assists: stat(l.ast), steals: stat(l.stl), blocks: stat(l.blk),
      turnovers: stat(l.tov), personal_fouls: stat(l.pf),
      plus_minus: stat(l.pm),
    };
  }));
}

/** Tenths of a minute as the API's 'MM:SS'. */
function clock(tenths: number): string {
  const seconds = tenths * 6;
  return `${String(Math.floor(seconds / 60)).padStart(2, '0')}:${String(seconds % 60).padStart(2, '0')}`;
}

export function bdlRows(r: GameResult): BdlRow[] {
  return [r.home, r.away].flatMap((s) => s.lines.filter((l) => l.status === 'active').map((l): BdlRow => ({
    game_id: copyGameId(r.game.id, r.copy),
    game_date: r.game.date,
    player_lookup: l.ps.player.lookup,
    team_abbr: teamAbbr(s.team, r.copy),
    minutes: clock(l.tenths),
    points: linePoints(l),
    fgm: l.fg2m + l.fg3m, fga: l.fg2a + l.fg3a,
    fg3m: l.fg3m, fg3a: l.fg3a,
    ftm: l.ftm, fta: l.fta,
    oreb: l.oreb, dreb: l.dreb, reb: l.oreb + l.dreb,
    ast: l.ast, stl: l.stl, blk: l.blk, turnover: l.tov, pf: l.pf,
  })));
}
