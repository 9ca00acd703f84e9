/**
 * Synthetic player names: common first and last names of the league's era,
 * combined at random. Combinations that would name a real current player are
 * skipped, so nobody mistakes the seed for real statistics.
 */
import type { Rng } from './rng.ts';

const FIRST = [
  'Aaron', 'Alec', 'Andre', 'Anfernee', 'Anthony', 'Austin', 'Bennett', 'Brandon', 'Brice', 'Bryce',
  'Caleb', 'Cam', 'Cameron', 'Carlos', 'Chase', 'Christian', 'Cody', 'Colby', 'Corey', 'Damian',
  'Dante', 'Darius', 'Davion', 'Dejon', 'Derrick', 'Desmond', 'Devin', 'Dillon', 'Dominic', 'Donovan',
  'Dorian', 'Elijah', 'Emmanuel', 'Eric', 'Evan', 'Gabe', 'Garrett', 'Grant', 'Hunter', 'Isaac',
  'Isaiah', 'Jabari', 'Jace', 'Jalen', 'Jamal', 'Jaren', 'Jarrett', 'Javon', 'Jaylen', 'Jeremiah',
  'Jerome', 'Jordan', 'Josh', 'Julian', 'Justin', 'Kai', 'Keegan', 'Keith', 'Kelvin', 'Kendall',
  'Keon', 'Kevin', 'Khalil', 'Kobe', 'Kyle', 'Lamar', 'Landon', 'Leon', 'Logan', 'Luca',
  'Malik', 'Marcus', 'Mason', 'Matthias', 'Max', 'Miles', 'Moses', 'Nate', 'Nico', 'Nikola',
  'Noah', 'Obi', 'Omar', 'Oscar', 'Patrick', 'Quentin', 'Reggie', 'Ricky', 'Rodney', 'Ryan',
  'Santi', 'Scottie', 'Shawn', 'Sidney', 'Terrence', 'Theo', 'Trey', 'Tristan', 'Tyler', 'Tyrese',
  'Victor', 'Wendell', 'Xavier', 'Zach', 'Zion',
];

const LAST = [
  'Adams', 'Alexander', 'Allen', 'Anderson', 'Armstrong', 'Bailey', 'Baker', 'Banks', 'Barnes', 'Bell',
  'Bennett', 'Black', 'Boone', 'Bradley', 'Brooks', 'Bryant', 'Burke', 'Butler', 'Caldwell', 'Carter',
  'Chambers', 'Clark', 'Coleman', 'Collins', 'Cooper', 'Craig', 'Crawford', 'Cunningham', 'Daniels', 'Davenport',
  'Dawson', 'Dixon', 'Douglas', 'Dunn', 'Ellis', 'Evans', 'Fields', 'Fisher', 'Fleming', 'Ford',
  'Foster', 'Freeman', 'Garland', 'Gibson', 'Gordon', 'Graham', 'Grant', 'Graves', 'Green', 'Griffin',
  'Hale', 'Hamilton', 'Harper', 'Harris', 'Hart', 'Hayes', 'Henderson', 'Hill', 'Holland', 'Holmes',
  'Howard', 'Hudson', 'Hunter', 'Ingram', 'Jackson', 'James', 'Jenkins', 'Johnson', 'Jones', 'Keller',
  'Kennedy', 'King', 'Knight', 'Lambert', 'Lane', 'Lawson', 'Lewis', 'Lowe', 'Lyons', 'Mack',
  'Marshall', 'Martin', 'Mason', 'Matthews', 'McDaniel', 'McKnight', 'Mitchell', 'Monroe', 'Moore', 'Morgan',
  'Morris', 'Murray', 'Nash', 'Nelson', 'Newton', 'Okafor', 'Oliver', 'Owens', 'Palmer', 'Parker',
  'Patterson', 'Payne', 'Perry', 'Phillips', 'Porter', 'Powell', 'Price', 'Quinn', 'Ramsey', 'Reed',
  'Reeves', 'Rhodes', 'Richardson', 'Riley', 'Rivers', 'Roberts', 'Robinson', 'Rogers', 'Ross', 'Russell',
  'Sanders', 'Shaw', 'Simmons', 'Sims', 'Spencer', 'Stanley', 'Stephens', 'Stewart', 'Stokes', 'Sullivan',
  'Taylor', 'Terry', 'Thomas', 'Thompson', 'Torres', 'Tucker', 'Turner', 'Vaughn', 'Wade', 'Walker',
  'Wallace', 'Ward', 'Warren', 'Washington', 'Watkins', 'Watson', 'Webb', 'Wells', 'West', 'White',
  'Whitfield', 'Wiggins', 'Wilkins', 'Williams', 'Wilson', 'Woods', 'Wright', 'Young',
];

const SUFFIXES = [' Jr.', ' II', ' III'];

/** Real players these lists could otherwise produce. */
const REAL = new Set([
  'anthonydavis', 'jalengreen', 'jalenwilliams', 'jalenjohnson', 'jalenbrunson', 'jalenduren', 'jaylenbrown',
  'tyresemaxey', 'kevinporterjr', 'marcusmorris', 'camjohnson', 'cameronjohnson', 'jordanpoole', 'tylerherro',
  'kevinlove', 'jamalmurray', 'isaiahstewart', 'isaiahjackson', 'zachcollins', 'keeganmurray', 'malikmonk',
  'dejonmurray', 'devinbooker', 'trejones', 'reggiejackson', 'nicoloregardner', 'aaronwiggins', 'garrettemple',
  'kellyoubre', 'jabarismith', 'chrispaul', 'ryanrollins', 'jarenjacksonjr', 'jaylenwells', 'kobebrown',
  'deandrehunter', 'mosesbrown', 'colbyjones', 'landonmorris', 'omerrobinson', 'austinreaves', 'jalensmith',
  'isaactaylor', 'treyjones', 'reggiebullock', 'coreykispert', 'marcussmart', 'shawnmarion',
]);

export interface PlayerName {
  name: string;
  lookup: string;
}

/** The key every table joins players on: lower-case letters and digits of the name. */
function lookupOf(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** A new name whose lookup is not in `taken` (which it then joins). */
export function newName(rng: Rng, taken: Set<string>, copySuffix: string): PlayerName {
  for (;;) {
    const base = `${rng.pick(FIRST)} ${rng.pick(LAST)}${rng.chance(0.04) ? rng.pick(SUFFIXES) : ''}`;
    const name = `${base}${copySuffix}`;
    const lookup = lookupOf(name);
    if (taken.has(lookup) || REAL.has(lookupOf(base))) continue;
    taken.add(lookup);
    return { name, lookup };
  }
}
