/**
 * npm run seed -- [--warehouse PATH] [--scale N] [--force]
 *
 * Seeds the embedded warehouse with four seasons of Phase 2 data (the planned
 * gaps included). An already-seeded file is left alone unless --force, which
 * deletes it first. Progress goes to stderr, the row counts to stdout.
 */
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import { EXIT, UsageError } from '../notebook/errors.ts';
import { helpText, parseArgv, type OptionSpec } from '../notebook/flags.ts';
import { ProgressBoard, type ProgressState } from '../notebook/progress.ts';
import { DuckDBWarehouse } from '../warehouse/duckdb.ts';
import { WarehouseError } from '../warehouse/types.ts';
import { MAX_SCALE } from './generate.ts';
import { seedInfo, seedWarehouse } from './load.ts';

const OPTIONS: OptionSpec[] = [
  { name: 'warehouse', kind: 'string', valueName: 'PATH', env: 'RUNBOOK_WAREHOUSE', default: '.warehouse/nba.duckdb', help: 'embedded warehouse file to seed' },
  { name: 'scale', kind: 'string', valueName: 'N', default: '1', help: `copies of the league on the same dates, 1-${MAX_SCALE} (benchmarks)` },
  { name: 'force', kind: 'flag', help: 'delete an existing warehouse file and seed it again' },
  { name: 'project', kind: 'string', valueName: 'ID', env: 'GOOGLE_CLOUD_PROJECT', default: 'nba-props-platform', help: 'project id in table paths' },
  { name: 'help', kind: 'flag', help: 'show this help' },
];

interface Io {
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream & { isTTY?: boolean };
}

interface SeedArgs {
  help: boolean;
  file: string;
  scale: number;
  force: boolean;
  project: string;
}

export function parseSeedArgs(argv: string[]): SeedArgs {
  const { flags, positionals } = parseArgv(argv, OPTIONS);
  if (positionals.length) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])} (see --help)`);
  const scale = Number(flags.scale);
  if (!Number.isInteger(scale) || scale < 1 || scale > MAX_SCALE) {
    throw new UsageError(`--scale ${JSON.stringify(flags.scale)} must be a whole number from 1 to ${MAX_SCALE}`);
  }
  return { help: flags.help === true, file: String(flags.warehouse), scale, force: flags.force === true, project: String(flags.project) };
}

export async function main(argv: string[], io: Io): Promise<number> {
  let args: SeedArgs;
  try {
    args = parseSeedArgs(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.err.write(`seed: ${err.message}\n`);
    return EXIT.badInput;
  }
  if (args.help) {
    io.out.write(`${helpText('npm run seed -- [--warehouse PATH] [--scale N] [--force]', OPTIONS)}\n`);
    return EXIT.done;
  }
  if (args.force) for (const f of [args.file, `${args.file}.wal`]) fs.rmSync(f, { force: true });

  const w = new DuckDBWarehouse({ file: args.file, project: args.project, onWait: (m) => io.err.write(`${m}\n`) });
  try {
    const seeded = await seedInfo(w);
    if (seeded) {
      io.err.write(`seed: ${args.file} is already seeded (${seeded.version}, scale ${seeded.scale}, ${seeded.seededAt}); use --force to delete it and seed again\n`);
      return EXIT.failed;
    }
    const state: ProgressState = { label: 'seed', done: 0, total: 1, startedAt: Date.now() };
    const board = new ProgressBoard(io.err, [state]);
    const summary = await seedWarehouse(w, {
      scale: args.scale,
      onProgress: (done, total, label) => {
        Object.assign(state, { done, total, label: `seed ${label}` });
        board.render();
      },
    });
    state.finishedAt = Date.now();
    board.render();
    for (const [table, rows] of Object.entries(summary.rows)) {
      const gaps = summary.gaps[table] ? `  (${summary.gaps[table]} gap dates)` : '';
      io.out.write(`${table.padEnd(42)} ${String(rows).padStart(9)} rows${gaps}\n`);
    }
    io.err.write(`Seeded ${args.file} (scale ${summary.scale}) in ${summary.seconds.toFixed(1)} s.\n`);
    return EXIT.done;
  } catch (err) {
    if (!(err instanceof WarehouseError)) throw err;
    io.err.write(`seed: ${err.message}\n`);
    return EXIT.failed;
  } finally {
    await w.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = await main(process.argv.slice(2), { out: process.stdout, err: process.stderr });
}
