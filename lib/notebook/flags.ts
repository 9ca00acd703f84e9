/**
 * The common flags of every script, declared once in a typed table that also
 * produces --help (and the flag list in README/RUNBOOK). Parsing never touches
 * the warehouse: bad input is reported before anything is opened or written.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_AS_OF, PHASE2_START, SEASONS, SEASON_PARTS, isValidDate, seasonAsOf, seasonById, seasonPart, type Season, type SeasonPart } from '../seasons/calendar.ts';
import type { BackendName } from '../warehouse/types.ts';
import { UsageError } from './errors.ts';
import { readAnswersFile, type AnswersFile } from '../decisions/answers-file.ts';

export interface OptionSpec {
  name: string;
  /** 'flag' takes no value; 'list' may repeat. */
  kind: 'flag' | 'string' | 'list';
  help: string;
  valueName?: string;
  env?: string;
  default?: string;
}

export const COMMON_OPTIONS: OptionSpec[] = [
  { name: 'season', kind: 'string', valueName: 'YYYY-YY', help: `season to work on (${SEASONS.map((s) => s.id).join(', ')})` },
  { name: 'start-date', kind: 'string', valueName: 'YYYY-MM-DD', help: 'override the start of the range' },
  { name: 'end-date', kind: 'string', valueName: 'YYYY-MM-DD', help: 'override the end of the range' },
  { name: 'as-of', kind: 'string', valueName: 'YYYY-MM-DD', default: DEFAULT_AS_OF, help: '"today" for the runbook: the partial season ends here' },
  { name: 'dry-run', kind: 'flag', help: 'print every query and command it would run; run none, write nothing' },
  { name: 'yes', kind: 'flag', help: 'never prompt: run data-changing steps, pass gates whose recommendation is to proceed or re-run, stop (exit 3) at any other' },
  { name: 'answer', kind: 'list', valueName: 'ID=CHOICE[:note]', help: 'pre-answer a gate or step, e.g. --answer 1.2=proceed (repeatable)' },
  { name: 'answers', kind: 'string', valueName: 'FILE', help: 'answers for unattended runs: one [SEASON ]GATE=CHOICE[:note] a line (a season\'s line wins)' },
  { name: 'wait', kind: 'flag', help: 'when another run holds the season, wait for it instead of stopping (exit 3)' },
  { name: 'decisions-dataset', kind: 'string', valueName: 'DATASET', env: 'RUNBOOK_DECISIONS_DATASET', default: 'nba_reference', help: 'dataset of the decisions and leases tables (runbook_decisions, runbook_leases)' },
  { name: 'json', kind: 'flag', help: 'stdout is one JSON document of steps, rows and gates; human output goes to stderr' },
  { name: 'from', kind: 'string', valueName: 'STEP', help: 'start at a step, e.g. --from 1.3' },
  { name: 'step', kind: 'flag', help: 'ask before every step (Run / Skip / Quit)' },
  { name: 'backend', kind: 'string', valueName: 'duckdb|bigquery', env: 'RUNBOOK_BACKEND', default: 'duckdb', help: 'warehouse backend' },
  { name: 'warehouse', kind: 'string', valueName: 'PATH', env: 'RUNBOOK_WAREHOUSE', default: '.warehouse/nba.duckdb', help: 'embedded warehouse file' },
  { name: 'project', kind: 'string', valueName: 'ID', env: 'GOOGLE_CLOUD_PROJECT', default: 'nba-props-platform', help: 'project id in table paths (and the BigQuery project)' },
  { name: 'location', kind: 'string', valueName: 'LOC', help: 'BigQuery location, e.g. US' },
  { name: 'bq-endpoint', kind: 'string', valueName: 'URL', env: 'BIGQUERY_EMULATOR_HOST', help: 'BigQuery API endpoint override (an emulator)' },
  { name: 'sandbox-suffix', kind: 'string', valueName: 'S', env: 'RUNBOOK_SANDBOX_SUFFIX', help: 'write every dataset as <dataset>S (e.g. _rb_test); Phase 2 is still read from nba_raw' },
  { name: 'runner', kind: 'string', valueName: 'builtin|command', env: 'RUNBOOK_RUNNER', help: 'who runs the jobs: builtin (the reference platform, in-process; default on duckdb) or command (the platform\'s run_backfill.sh; default on bigquery without --sandbox-suffix)' },
  { name: 'backfill-cmd', kind: 'string', valueName: 'PATH', env: 'RUNBOOK_BACKFILL_CMD', help: 'the platform\'s run_backfill.sh, for --runner command' },
  { name: 'platform-dir', kind: 'string', valueName: 'DIR', help: 'working directory of the platform\'s jobs (default: the repository holding --backfill-cmd)' },
  { name: 'max-parallel', kind: 'string', valueName: 'N', default: '5', help: 'jobs run at once where the runbook allows parallel jobs (Phase 3)' },
  { name: 'max-bytes-billed', kind: 'string', valueName: 'BYTES', help: 'BigQuery: fail any query that would bill more (default 10 GiB)' },
  { name: 'journal', kind: 'string', valueName: 'PATH', env: 'RUNBOOK_JOURNAL', default: '.runbook/journal.jsonl', help: 'where every run, step and answer is recorded' },
  { name: 'help', kind: 'flag', help: 'show this help' },
];

/** Steps 2 and 3: which part of the season to run (the original's ranges are the regular season). */
export const PART_OPTION: OptionSpec = {
  name: 'part', kind: 'string', valueName: 'regular|postseason|all', default: 'regular',
  help: "regular: the original's range; postseason: play-in and playoffs; all: both",
};

export type RawFlags = Record<string, string | boolean | string[] | undefined>;

/** A script's one positional argument (troubleshoot's subcommand), checked with the flags. */
export interface PositionalSpec {
  name: string;
  choices: { value: string; help: string }[];
}

/** The positional argument, or a one-line error listing the valid ones (exit 2). */
export function checkPositional(spec: PositionalSpec, given: string[]): string {
  const valid = spec.choices.map((c) => c.value).join(', ');
  if (given.length === 0) throw new UsageError(`name a ${spec.name}: ${valid}`);
  if (given.length > 1) throw new UsageError(`one ${spec.name} at a time, got: ${given.join(' ')}; valid: ${valid}`);
  if (!spec.choices.some((c) => c.value === given[0])) throw new UsageError(`unknown ${spec.name} ${JSON.stringify(given[0])}; valid: ${valid}`);
  return given[0];
}

/** The --help lines for a positional argument. */
export function positionalHelp(spec: PositionalSpec): string {
  return [`${spec.name}s:`, ...spec.choices.map((c) => `  ${c.value.padEnd(30)} ${c.help}`)].join('\n');
}

/** Parses argv against the specs; `--name=value` and `--name value` both work. */
export function parseArgv(argv: string[], specs: OptionSpec[]): { flags: RawFlags; positionals: string[] } {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const flags: RawFlags = {};
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) { positionals.push(arg); continue; }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const spec = byName.get(name);
    if (!spec) throw new UsageError(`unknown flag --${name} (see --help)`);
    if (spec.kind === 'flag') {
      if (eq >= 0) throw new UsageError(`--${name} takes no value`);
      flags[name] = true;
      continue;
    }
    let value: string | undefined = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || (eq < 0 && value.startsWith('--'))) throw new UsageError(`--${name} needs a value (${spec.valueName ?? 'value'})`);
    value = value.trim();
    if (spec.kind === 'list') flags[name] = [...((flags[name] as string[]) ?? []), value];
    else flags[name] = value;
  }
  for (const s of specs) {
    if (flags[s.name] === undefined && s.env && process.env[s.env]) flags[s.name] = process.env[s.env];
    if (flags[s.name] === undefined && s.default !== undefined) flags[s.name] = s.default;
  }
  return { flags, positionals };
}

export function helpText(usage: string, specs: OptionSpec[]): string {
  const rows = specs.map((s) => {
    const left = `--${s.name}${s.kind === 'flag' ? '' : ` ${s.valueName ?? 'VALUE'}`}`;
    const extra = [s.default !== undefined ? `default ${s.default}` : '', s.env ? `env ${s.env}` : ''].filter(Boolean).join(', ');
    return `  ${left.padEnd(30)} ${s.help}${extra ? ` (${extra})` : ''}`;
  });
  return [`usage: ${usage}`, '', 'options:', ...rows, '', 'exit codes: 0 done, 1 unexpected failure, 2 bad input, 3 stopped at a gate'].join('\n');
}

export interface DateRange { start: string; end: string }

export interface CommonOptions {
  season: Season | null;
  range: DateRange;
  asOf: string;
  dryRun: boolean;
  yes: boolean;
  answers: Map<string, { choice: string; note?: string }>;
  /** --answers FILE, read and checked before anything is opened. */
  answersFile: AnswersFile | null;
  /** --wait: wait for another run's lease instead of stopping. */
  wait: boolean;
  /** Where runbook_decisions and runbook_leases live. */
  decisionsDataset: string;
  json: boolean;
  from: string | null;
  step: boolean;
  backend: BackendName;
  warehouse: string;
  project: string;
  location?: string;
  bqEndpoint?: string;
  maxBytesBilled?: number;
  /** Who runs the jobs: the in-process reference platform, or the platform's own run_backfill.sh. */
  runner: RunnerName;
  /** Absolute path of the platform's run_backfill.sh (--runner command). */
  backfillCmd: string | null;
  /** Where the platform's jobs run; null: the repository holding backfillCmd. */
  platformDir: string | null;
  maxParallel: number;
  /** Every dataset the reference platform writes (and every validation reads) becomes `<dataset><suffix>`. */
  sandboxSuffix: string | null;
  journal: string;
  user: string;
  host: string;
}

export type RunnerName = 'builtin' | 'command';

/** --max-bytes-billed: a positive whole number of bytes. */
export function checkMaxBytesBilled(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n <= 0) throw new UsageError(`--max-bytes-billed ${JSON.stringify(value)} must be a positive whole number of bytes, e.g. 10737418240`);
  return n;
}

/** --project: a Google Cloud project id (6-30 characters: lower-case letters, digits, hyphens; starts with a letter). */
export function checkProject(value: string): string {
  if (!/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/.test(value)) throw new UsageError(`--project ${JSON.stringify(value)} is not a valid project id (6-30 characters: a-z, 0-9 and -, starting with a letter), e.g. nba-props-platform`);
  return value;
}

/**
 * The runner flags. The reference platform writes only to the embedded
 * warehouse: on BigQuery it is refused unless it writes to sandbox datasets.
 */
export function resolveRunner(flags: RawFlags, backend: BackendName, sandboxSuffix: string | null): Pick<CommonOptions, 'runner' | 'backfillCmd' | 'platformDir' | 'maxParallel'> {
  const given = flags.runner !== undefined ? String(flags.runner) : undefined;
  if (given !== undefined && given !== 'builtin' && given !== 'command') throw new UsageError(`--runner ${JSON.stringify(given)}: valid runners are builtin, command`);
  // A sandbox suffix exists for the reference platform (it moves what that writes): it implies builtin.
  const runner: RunnerName = (given as RunnerName | undefined) ?? (backend === 'bigquery' && !sandboxSuffix ? 'command' : 'builtin');
  if (runner === 'command' && sandboxSuffix) {
    throw new UsageError('--sandbox-suffix moves what the reference platform writes (--runner builtin); the platform\'s own command writes its real datasets, so it takes no suffix');
  }
  if (runner === 'builtin' && backend === 'bigquery' && !sandboxSuffix) {
    throw new UsageError('--runner builtin writes the reference platform\'s rows: refused on BigQuery; use --runner command --backfill-cmd PATH, or --sandbox-suffix S to write to sandbox datasets');
  }
  let backfillCmd: string | null = null;
  if (flags['backfill-cmd'] !== undefined) {
    const file = path.resolve(String(flags['backfill-cmd']));
    let ok = false;
    try { ok = fs.statSync(file).isFile(); fs.accessSync(file, fs.constants.X_OK); } catch { ok = false; }
    if (!ok) throw new UsageError(`--backfill-cmd ${JSON.stringify(String(flags['backfill-cmd']))} is not an executable file (the platform's bin/run_backfill.sh)`);
    backfillCmd = file;
  }
  let platformDir: string | null = null;
  if (flags['platform-dir'] !== undefined) {
    platformDir = path.resolve(String(flags['platform-dir']));
    let dir = false;
    try { dir = fs.statSync(platformDir).isDirectory(); } catch { dir = false; }
    if (!dir) throw new UsageError(`--platform-dir ${JSON.stringify(String(flags['platform-dir']))} is not a directory (the platform's repository)`);
  }
  const mp = String(flags['max-parallel'] ?? '5');
  const maxParallel = Number(mp);
  if (!/^\d+$/.test(mp) || maxParallel < 1 || maxParallel > 32) throw new UsageError(`--max-parallel ${JSON.stringify(mp)} must be a whole number from 1 to 32`);
  return { runner, backfillCmd, platformDir, maxParallel };
}

export function checkDate(flag: string, value: string): string {
  if (!isValidDate(value)) throw new UsageError(`--${flag} ${JSON.stringify(value)} is not a valid date (YYYY-MM-DD, e.g. 2021-10-19)`);
  return value;
}

/**
 * The calendar the runbook knows: the Phase 2 range's start to the end of the
 * last season's postseason. A date outside it cannot hold a game of these
 * seasons, so naming one is a typo, never work to record.
 */
export const CALENDAR = { start: PHASE2_START, end: `${SEASONS[SEASONS.length - 1].year + 1}-06-30` } as const;

export function checkInCalendar(flag: string, value: string): string {
  if (value < CALENDAR.start || value > CALENDAR.end) {
    throw new UsageError(`--${flag} ${value} is outside the seasons' calendar (${CALENDAR.start}..${CALENDAR.end}: ${SEASONS.map((s) => s.id).join(', ')})`);
  }
  return value;
}

/**
 * --as-of is "today" for the runbook: the partial season ends there, so it must
 * fall in that season (from its first day to the calendar's end).
 */
export function checkAsOf(value: string): string {
  checkDate('as-of', value);
  const current = SEASONS.find((s) => s.partial) ?? SEASONS[SEASONS.length - 1];
  if (value < current.start || value > CALENDAR.end) {
    throw new UsageError(`--as-of ${value} is outside the current season ${current.id}: give a date from ${current.start} to ${CALENDAR.end} (default ${DEFAULT_AS_OF})`);
  }
  return value;
}

/** A file the script writes or reads: not empty, not a directory. */
export function checkFilePath(flag: string, value: string, example: string): string {
  if (!value.trim()) throw new UsageError(`--${flag} is empty: give a file path, e.g. --${flag} ${example}`);
  let isDir = false;
  try { isDir = fs.statSync(value).isDirectory(); } catch { /* absent: created on first use */ }
  if (isDir) throw new UsageError(`--${flag} ${value} is a directory: give a file path, e.g. --${flag} ${value.replace(/\/+$/, '')}/${example.split('/').pop()}`);
  return value;
}

export function checkSeason(value: string): Season {
  const s = seasonById(value);
  if (!s) throw new UsageError(`unknown season ${JSON.stringify(value)}; valid seasons: ${SEASONS.map((x) => x.id).join(', ')}`);
  return s;
}

/** A dataset suffix: `_` then lower-case letters, digits or `_` (BigQuery dataset names allow no more). */
export function checkSandboxSuffix(value: string): string {
  if (!/^_[a-z0-9_]{1,40}$/.test(value)) {
    throw new UsageError(`--sandbox-suffix ${JSON.stringify(value)} must start with _ followed by a-z, 0-9 or _ (e.g. _rb_test)`);
  }
  return value;
}

/** The season narrowed to --part; a part that does not exist (yet) is bad input. */
export function checkPart(season: Season, value: string): Season {
  if (!SEASON_PARTS.includes(value as SeasonPart)) throw new UsageError(`--part ${JSON.stringify(value)} is not one of ${SEASON_PARTS.join(', ')}`);
  const s = seasonPart(season, value as SeasonPart);
  if (!s) throw new UsageError(`${season.id} has no postseason yet: it is in progress on the as-of date; use --part regular`);
  return s;
}

/**
 * Turns raw flags into the options every script shares. `defaultRange` is the
 * script's own range when no season or dates are given (Step 1: the Phase 2 range);
 * null means the script needs --season or dates.
 */
export function resolveCommon(flags: RawFlags, defaultRange: ((asOf: string) => DateRange) | null): CommonOptions {
  const asOf = checkAsOf(String(flags['as-of']));
  const whole = flags.season !== undefined ? seasonAsOf(checkSeason(String(flags.season)), asOf) : null;
  if (flags.part !== undefined && !whole && flags.part !== 'regular') throw new UsageError(`--part ${flags.part} needs --season (a season's parts come from its calendar)`);
  const season = whole && flags.part !== undefined ? checkPart(whole, String(flags.part)) : whole;
  const start = flags['start-date'] !== undefined ? checkDate('start-date', String(flags['start-date'])) : undefined;
  const end = flags['end-date'] !== undefined ? checkDate('end-date', String(flags['end-date'])) : undefined;
  const base = season ? { start: season.start, end: season.end } : defaultRange?.(asOf);
  if (!base && (!start || !end)) {
    throw new UsageError(`choose a season with --season (${SEASONS.map((s) => s.id).join(', ')}) or give --start-date and --end-date`);
  }
  const range = { start: start ?? base!.start, end: end ?? base!.end };
  if (range.start > range.end) throw new UsageError(`the range is reversed: start ${range.start} is after end ${range.end}`);
  // --season names the season on screen and in the journal: dates beyond it would be mislabelled.
  if (season) {
    for (const [flag, d] of [['start-date', start], ['end-date', end]] as const) {
      if (d !== undefined && (d < season.start || d > season.end)) {
        throw new UsageError(`--${flag} ${d} is outside season ${season.id} (${season.start}..${season.end}); with --season, --start-date/--end-date only narrow it`);
      }
    }
  }

  const backend = String(flags.backend);
  if (backend !== 'duckdb' && backend !== 'bigquery') throw new UsageError(`unknown backend ${JSON.stringify(backend)}; valid: duckdb, bigquery`);

  const answers = new Map<string, { choice: string; note?: string }>();
  for (const a of (flags.answer as string[] | undefined) ?? []) {
    const m = /^([\w.]+)=([\w-]+)(?::(.*))?$/.exec(a);
    if (!m) throw new UsageError(`--answer ${JSON.stringify(a)} is not ID=CHOICE[:note], e.g. --answer 1.2=proceed`);
    answers.set(m[1], { choice: m[2], note: m[3]?.trim() || undefined });
  }
  const from = flags.from !== undefined ? String(flags.from) : null;
  if (from !== null && !/^[\w.]+$/.test(from)) throw new UsageError(`--from ${JSON.stringify(from)} is not a step id like 1.3`);

  const maxBytesBilled = flags['max-bytes-billed'] !== undefined ? checkMaxBytesBilled(String(flags['max-bytes-billed'])) : undefined;
  const sandboxSuffix = flags['sandbox-suffix'] !== undefined ? checkSandboxSuffix(String(flags['sandbox-suffix'])) : null;
  const project = checkProject(String(flags.project));
  const runner = resolveRunner(flags, backend, sandboxSuffix);

  const journal = checkFilePath('journal', String(flags.journal), '.runbook/journal.jsonl');
  const warehouse = checkFilePath('warehouse', String(flags.warehouse), '.warehouse/nba.duckdb');
  const decisionsDataset = String(flags['decisions-dataset'] ?? 'nba_reference');
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(decisionsDataset)) throw new UsageError(`--decisions-dataset ${JSON.stringify(decisionsDataset)} is not a dataset name (letters, digits, _)`);
  const answersFile = flags.answers !== undefined ? readAnswersFile(String(flags.answers)) : null;

  return {
    season, range, asOf,
    answersFile,
    wait: flags.wait === true,
    decisionsDataset,
    dryRun: flags['dry-run'] === true,
    yes: flags.yes === true,
    answers,
    json: flags.json === true,
    from,
    step: flags.step === true,
    backend,
    warehouse,
    project,
    location: flags.location as string | undefined,
    bqEndpoint: flags['bq-endpoint'] as string | undefined,
    maxBytesBilled,
    sandboxSuffix,
    ...runner,
    journal,
    user: os.userInfo().username,
    host: os.hostname(),
  };
}

/** The Phase 2 range of Steps 1 and 5: 2021-10-01 to the as-of date. */
export const phase2Range = (asOf: string): DateRange => ({ start: PHASE2_START, end: asOf });
