/**
 * How scripts start (lib/start/launch.mjs): from an esbuild bundle that is
 * rebuilt when a source changes, with each module keeping its own
 * `import.meta.url`, and an old build kept while a live process uses it.
 * The launcher is tried on a tiny project of its own in a temp directory; the
 * real scripts go through it in every script test (test/support/scripts.ts).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeEach, describe, expect, it } from 'vitest';
// @ts-expect-error plain JavaScript, no declarations
import { bundleFor, freshManifest } from '../lib/start/launch.mjs';

const REPO = path.resolve(import.meta.dirname, '..');
const LAUNCH = path.join(REPO, 'lib/start/launch.mjs');

let root: string;
/** The tiny project's bundle cache: never the repository's own. */
const cache = () => path.join(root, 'cache');
const bundle = (rel: string) => bundleFor(path.join(root, rel), root, cache());

/** runbook/a.mts and runbook/b.mts both import lib/shared.ts; b also imports a (as 04 imports 02). */
function project(): string {
  const r = fs.mkdtempSync(path.join(os.tmpdir(), 'runbook-start-'));
  fs.mkdirSync(path.join(r, 'runbook'));
  fs.mkdirSync(path.join(r, 'lib/backfill'), { recursive: true });
  fs.writeFileSync(path.join(r, 'lib/shared.ts'), "export const isMain = (u: string): boolean => new URL(u).pathname === process.argv[1];\nexport const where: string = import.meta.url;\n");
  fs.writeFileSync(path.join(r, 'runbook/a.mts'), "import { isMain, where } from '../lib/shared.ts';\nexport const A = 'a';\nif (isMain(import.meta.url)) console.log(`main a; shared at ${where}`);\n");
  fs.writeFileSync(path.join(r, 'runbook/b.mts'), "import { isMain } from '../lib/shared.ts';\nimport { A } from './a.mts';\nif (isMain(import.meta.url)) console.log(`main b, imported ${A}`);\n");
  fs.writeFileSync(path.join(r, 'lib/backfill/cli.ts'), 'export {};\n');
  // The launcher, as a project of its own has it; esbuild and tsx from ours.
  fs.mkdirSync(path.join(r, 'lib/start'));
  fs.copyFileSync(LAUNCH, path.join(r, 'lib/start/launch.mjs'));
  fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(r, 'node_modules'));
  return r;
}

/** Every JavaScript file of the build an entry belongs to. */
function builtText(entry: string): string {
  const build = path.dirname(path.dirname(entry));
  return (fs.readdirSync(build, { recursive: true }) as string[])
    .filter((f) => f.endsWith('.mjs')).map((f) => fs.readFileSync(path.join(build, f), 'utf8')).join('\n');
}

const run = (rel: string) => spawnSync(process.execPath, [path.join(root, 'lib/start/launch.mjs'), path.join(root, rel)], {
  encoding: 'utf8', env: { ...process.env, RUNBOOK_START_CACHE: cache() },
});

describe('script start from a bundle', () => {
  beforeEach(() => { root = project(); });

  it('builds on the first start, reuses the build, and rebuilds when a source changes', async () => {
    const first = await bundle('runbook/a.mts');
    expect(first).toMatch(/runbook\/a\.mjs$/);
    expect(fs.existsSync(first)).toBe(true);
    expect(await bundle('runbook/b.mts')).toBe(path.join(path.dirname(first), 'b.mjs'));

    fs.appendFileSync(path.join(root, 'lib/shared.ts'), "console.log('changed-marker');\n");
    expect(freshManifest(root, cache())).toBeNull();
    const rebuilt = await bundle('runbook/a.mts');
    expect(rebuilt).not.toBe(first);
    expect(builtText(rebuilt)).toContain('changed-marker');
    expect(builtText(first)).not.toContain('changed-marker');
  });

  it('a file that is not an entry, or a source that does not compile, has no bundle (the launcher falls back to tsx)', async () => {
    expect(await bundle('lib/shared.ts')).toBeNull();
    fs.writeFileSync(path.join(root, 'runbook/a.mts'), 'export const = ;\n');
    expect(await bundle('runbook/a.mts')).toBeNull();
  });

  it('each module keeps its own import.meta.url: only the started script runs its main, and it runs once', () => {
    const a = run('runbook/a.mts');
    expect(a.stderr).toBe('');
    expect(a.stdout.trim()).toBe(`main a; shared at ${pathToFileURL(path.join(root, 'lib/shared.ts')).href}`);
    const b = run('runbook/b.mts');
    expect(b.stdout.trim()).toBe('main b, imported a');
    // Both came from the bundle, not from tsx.
    expect(fs.readdirSync(cache()).filter((f) => f !== 'manifest.json')).toHaveLength(1);
  });

  it('an old build stays while a live process started from it, and goes once none is alive', async () => {
    const first = path.dirname(path.dirname((await bundle('runbook/a.mts'))!));
    const users = path.join(first, 'users');
    expect(fs.readdirSync(users)).toEqual([String(process.pid)]);
    const old = new Date(Date.now() - 120_000);
    fs.utimesSync(first, old, old);

    fs.appendFileSync(path.join(root, 'lib/shared.ts'), '// changed\n');
    await bundle('runbook/a.mts');
    expect(fs.existsSync(first)).toBe(true); // this test process is alive and listed

    fs.rmSync(path.join(users, String(process.pid)));
    fs.writeFileSync(path.join(users, '999999999'), ''); // no such process
    fs.utimesSync(first, old, old);
    fs.appendFileSync(path.join(root, 'lib/shared.ts'), '// changed again\n');
    await bundle('runbook/a.mts');
    expect(fs.existsSync(first)).toBe(false);
  });
});

describe('the real scripts', () => {
  it('04 imports 02 and 03, yet starting 04 runs only 04, as it does through tsx', () => {
    const help = (env: NodeJS.ProcessEnv) => spawnSync(path.join(REPO, 'runbook/04-remaining-seasons.mts'), ['--help'], {
      cwd: REPO, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env },
    });
    const bundled = help({});
    const viaTsx = help({ RUNBOOK_START: 'tsx' });
    expect(bundled.status).toBe(0);
    expect(bundled.stdout).toMatch(/^Step 4: Repeat for Remaining Seasons\n/);
    expect(bundled.stdout).not.toContain('Step 2: Phase 3 Backfill');
    expect(bundled.stdout).toBe(viaTsx.stdout);
  });
});
