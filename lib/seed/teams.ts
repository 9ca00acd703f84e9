/**
 * The 30 NBA teams, ordered conference → division → team, so that a team's
 * index says where it sits (the matchup formula in matchups.ts relies on it).
 */

export type Conference = 'East' | 'West';

export interface Team {
  abbr: string;
  name: string;
  conference: Conference;
  division: string;
}

const LAYOUT: [Conference, string, [string, string][]][] = [
  ['East', 'Atlantic', [['BOS', 'Boston Celtics'], ['BKN', 'Brooklyn Nets'], ['NYK', 'New York Knicks'], ['PHI', 'Philadelphia 76ers'], ['TOR', 'Toronto Raptors']]],
  ['East', 'Central', [['CHI', 'Chicago Bulls'], ['CLE', 'Cleveland Cavaliers'], ['DET', 'Detroit Pistons'], ['IND', 'Indiana Pacers'], ['MIL', 'Milwaukee Bucks']]],
  ['East', 'Southeast', [['ATL', 'Atlanta Hawks'], ['CHA', 'Charlotte Hornets'], ['MIA', 'Miami Heat'], ['ORL', 'Orlando Magic'], ['WAS', 'Washington Wizards']]],
  ['West', 'Northwest', [['DEN', 'Denver Nuggets'], ['MIN', 'Minnesota Timberwolves'], ['OKC', 'Oklahoma City Thunder'], ['POR', 'Portland Trail Blazers'], ['UTA', 'Utah Jazz']]],
  ['West', 'Pacific', [['GSW', 'Golden State Warriors'], ['LAC', 'LA Clippers'], ['LAL', 'Los Angeles Lakers'], ['PHX', 'Phoenix Suns'], ['SAC', 'Sacramento Kings']]],
  ['West', 'Southwest', [['DAL', 'Dallas Mavericks'], ['HOU', 'Houston Rockets'], ['MEM', 'Memphis Grizzlies'], ['NOP', 'New Orleans Pelicans'], ['SAS', 'San Antonio Spurs']]],
];

export const TEAMS: readonly Team[] = LAYOUT.flatMap(([conference, division, teams]) =>
  teams.map(([abbr, name]) => ({ abbr, name, conference, division })));

export const TEAM_COUNT = TEAMS.length;

/** Scale copies of the league: copy 0 is BOS, copy 1 is BOS2, copy 2 BOS3, … */
export function teamAbbr(team: number, copy: number): string {
  return copy === 0 ? TEAMS[team].abbr : `${TEAMS[team].abbr}${copy + 1}`;
}
