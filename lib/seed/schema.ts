/**
 * Phase 2 (`nba_raw`) and bookkeeping (`nba_reference`) tables, in BigQuery DDL.
 * Fixed names come from DATA-CONTRACT.md; the other columns are what an analyst on
 * a player-props platform expects of a schedule, a box score and a props feed.
 * Phase 3/4 tables are declared beside their processors (lib/jobs).
 */

export const DATASETS = ['nba_raw', 'nba_analytics', 'nba_precompute', 'nba_predictions', 'nba_reference'] as const;

export interface TableDef {
  /** dataset.table */
  name: string;
  /** The date column a job replaces by; partitions on BigQuery. */
  dateColumn: string;
  /** Keys that identify a row within a date (uniqueness is checked after loads). */
  keys: string[];
  /** Column list in BigQuery DDL, in order. */
  columns: [name: string, type: string, description: string][];
}

/** The counting stats a team box score and a gamebook line share (NBA.com vocabulary). */
const BOX_STATS: [string, string, string][] = [
  ['fg2_made', 'INT64', ''], ['fg2_attempted', 'INT64', ''],
  ['fg3_made', 'INT64', ''], ['fg3_attempted', 'INT64', ''],
  ['ft_made', 'INT64', ''], ['ft_attempted', 'INT64', ''],
  ['offensive_rebounds', 'INT64', ''], ['defensive_rebounds', 'INT64', ''],
  ['assists', 'INT64', ''], ['steals', 'INT64', ''], ['blocks', 'INT64', ''],
  ['turnovers', 'INT64', ''], ['personal_fouls', 'INT64', ''],
];

export const PHASE2_TABLES: TableDef[] = [
  {
    name: 'nba_raw.nbac_schedule',
    dateColumn: 'game_date',
    keys: ['game_id'],
    columns: [
      ['game_id', 'STRING', "NBA.com game id, e.g. '0022100001'"],
      ['game_date', 'DATE', 'local game date'],
      ['game_status', 'INT64', '1 scheduled, 2 live, 3 final'],
      ['season_year', 'INT64', 'year the season starts (2021 for 2021-22)'],
      ['season_type', 'STRING', "'Regular Season', 'PlayIn' or 'Playoffs'"],
      ['home_team_abbr', 'STRING', 'three-letter code'],
      ['away_team_abbr', 'STRING', 'three-letter code'],
      ['home_team_score', 'INT64', 'final score; NULL until final'],
      ['away_team_score', 'INT64', 'final score; NULL until final'],
      ['overtime_periods', 'INT64', '0 for regulation'],
    ],
  },
  {
    name: 'nba_raw.nbac_team_boxscore',
    dateColumn: 'game_date',
    keys: ['game_id', 'team_abbr'],
    columns: [
      ['game_id', 'STRING', ''],
      ['game_date', 'DATE', ''],
      ['team_abbr', 'STRING', ''],
      ['opponent_abbr', 'STRING', ''],
      ['is_home', 'BOOL', ''],
      ['minutes', 'INT64', 'team minutes: 240 in regulation, +25 per overtime'],
      ['points', 'INT64', '= 2·fg2_made + 3·fg3_made + ft_made'],
      ...BOX_STATS,
    ],
  },
  {
    name: 'nba_raw.nbac_gamebook_player_stats',
    dateColumn: 'game_date',
    keys: ['game_id', 'player_lookup'],
    columns: [
      ['game_id', 'STRING', ''],
      ['game_date', 'DATE', ''],
      ['player_lookup', 'STRING', "normalised name key, e.g. 'lebronjames'"],
      ['player_name', 'STRING', ''],
      ['team_abbr', 'STRING', ''],
      ['player_status', 'STRING', "'active', 'inactive' or 'dnp'"],
      ['status_reason', 'STRING', "why inactive or DNP, e.g. 'Injury/Illness - Left Ankle; Sprain', 'Coach's Decision'"],
      ['starter', 'BOOL', ''],
      ['minutes', 'FLOAT64', 'NULL unless active'],
      ['points', 'INT64', ''],
      ...BOX_STATS,
      ['plus_minus', 'INT64', ''],
    ],
  },
  {
    // The second source, in its own (balldontlie-style) vocabulary; active players only, no plus/minus.
    name: 'nba_raw.bdl_player_boxscores',
    dateColumn: 'game_date',
    keys: ['game_id', 'player_lookup'],
    columns: [
      ['game_id', 'STRING', 'the NBA.com game id, mapped at load'],
      ['game_date', 'DATE', ''],
      ['player_lookup', 'STRING', ''],
      ['team_abbr', 'STRING', ''],
      ['minutes', 'STRING', "'MM:SS' as the API sends it"],
      ['points', 'INT64', ''],
      ['fgm', 'INT64', 'all field goals made'], ['fga', 'INT64', ''],
      ['fg3m', 'INT64', ''], ['fg3a', 'INT64', ''],
      ['ftm', 'INT64', ''], ['fta', 'INT64', ''],
      ['oreb', 'INT64', ''], ['dreb', 'INT64', ''], ['reb', 'INT64', ''],
      ['ast', 'INT64', ''], ['stl', 'INT64', ''], ['blk', 'INT64', ''],
      ['turnover', 'INT64', ''], ['pf', 'INT64', ''],
    ],
  },
  {
    name: 'nba_raw.odds_api_player_points_props',
    dateColumn: 'game_date',
    keys: ['game_id', 'player_lookup', 'bookmaker'],
    columns: [
      ['game_id', 'STRING', ''],
      ['game_date', 'DATE', ''],
      ['player_lookup', 'STRING', ''],
      ['team_abbr', 'STRING', ''],
      ['bookmaker', 'STRING', "'draftkings', 'fanduel', …"],
      ['points_line', 'FLOAT64', 'the over/under line, in half points'],
      ['over_price', 'INT64', 'American odds'],
      ['under_price', 'INT64', 'American odds'],
      ['snapshot_timestamp', 'TIMESTAMP', 'when the line was captured, before tip-off'],
    ],
  },
  {
    // Sparse: only some games have play-by-play, so shot zones are mostly NULL downstream.
    name: 'nba_raw.nbac_play_by_play_shots',
    dateColumn: 'game_date',
    keys: ['game_id', 'event_id'],
    columns: [
      ['game_id', 'STRING', ''],
      ['game_date', 'DATE', ''],
      ['event_id', 'INT64', 'event number within the game'],
      ['period', 'INT64', ''],
      ['team_abbr', 'STRING', 'shooting team'],
      ['player_lookup', 'STRING', 'shooter'],
      ['shot_zone', 'STRING', "'paint', 'mid_range' or 'three'"],
      ['shot_distance_ft', 'INT64', ''],
      ['shot_made', 'BOOL', ''],
    ],
  },
];

export const RUN_HISTORY: TableDef = {
  name: 'nba_reference.processor_run_history',
  dateColumn: 'data_date',
  keys: ['run_id', 'processor_name', 'data_date'],
  columns: [
    ['run_id', 'STRING', 'shared by every date of one run'],
    ['processor_name', 'STRING', "e.g. 'PlayerGameSummaryProcessor'"],
    ['phase', 'STRING', "'phase_2_raw', 'phase_3_analytics' or 'phase_4_precompute'"],
    ['data_date', 'DATE', ''],
    ['status', 'STRING', "'running', 'success', 'failed' or 'skipped'"],
    ['started_at', 'TIMESTAMP', ''],
    ['finished_at', 'TIMESTAMP', ''],
    ['records_processed', 'INT64', ''],
    ['errors', 'STRING', 'JSON text; a dependency failure contains DependencyError'],
    ['missing_dependencies', 'ARRAY<STRING>', 'upstream tables with no data for the date'],
    ['skip_reason', 'STRING', "'bootstrap', 'no_games', …"],
    ['attempt', 'INT64', '1 for the first attempt at this processor and date'],
    ['host', 'STRING', 'machine that ran it'],
    ['pid', 'INT64', 'process that ran it; a running row whose process is gone was abandoned'],
  ],
};

/** CREATE TABLE IF NOT EXISTS in BigQuery DDL, partitioned by the date column. */
export function createTableSql(t: TableDef, project: string, clusterBy: string[] = t.keys.slice(0, 4)): string {
  const cols = t.columns.map(([n, ty]) => `  ${n} ${ty}`).join(',\n');
  const cluster = clusterBy.filter((k) => !t.columns.find(([n, ty]) => n === k && ty.startsWith('ARRAY')));
  return `CREATE TABLE IF NOT EXISTS \`${project}.${t.name}\` (\n${cols}\n)\nPARTITION BY ${t.dateColumn}${cluster.length ? `\nCLUSTER BY ${cluster.join(', ')}` : ''}`;
}
