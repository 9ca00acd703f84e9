/**
 * How a runbook script starts. Each `runbook/*.mts` begins with a shell line
 * that execs `node lib/start/launch.mjs <script> [args]`, and so does
 * `bin/run_backfill.sh` for `lib/backfill/cli.ts`.
 *
 * Why not `node --import tsx` alone: compiling TypeScript on the fly costs
 * about a quarter of a second before the first line of output, on every run,
 * and the tests start scripts hundreds of times. So a script runs from an
 * esbuild bundle kept in `node_modules/.cache/backfill-runbook/`, built on the
 * first run and rebuilt whenever a source it was built from changed (mtime or
 * size). The native DuckDB module and the BigQuery client stay in chunks of
 * their own, loaded when a warehouse opens, after the title is printed.
 *
 * When no bundle can be had (esbuild missing, the cache not writable, a source
 * that does not compile) or `RUNBOOK_START=tsx`, the script runs through tsx
 * as before: a compile error then reads as tsx reports it.
 *
 * Plain JavaScript on purpose: it must run before anything compiles TypeScript.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MANIFEST = 'manifest.json';
/** Written last into a build directory: its presence says the build is whole. */
const MANIFEST_COPY = 'built.json';

/** What gets bundled: every runbook script and the runner's command line. */
export function entryPoints(root) {
  const scripts = fs.readdirSync(path.join(root, 'runbook')).filter((f) => f.endsWith('.mts')).sort();
  return [...scripts.map((f) => `runbook/${f}`), 'lib/backfill/cli.ts'];
}

export function cacheDir(root = ROOT) {
  return process.env.RUNBOOK_START_CACHE ?? path.join(root, 'node_modules/.cache/backfill-runbook');
}

/** The manifest if every input it lists still has the mtime and size it was built from; else null. */
export function freshManifest(root, dir) {
  let manifest;
  try { manifest = JSON.parse(fs.readFileSync(path.join(dir, MANIFEST), 'utf8')); } catch { return null; }
  for (const [rel, [mtimeMs, size]] of Object.entries(manifest.inputs ?? {})) {
    let st;
    try { st = fs.statSync(path.join(root, rel)); } catch { return null; }
    if (st.mtimeMs !== mtimeMs || st.size !== size) return null;
  }
  return manifest;
}

/**
 * In a bundle every module shares one file; `import.meta.url` is given back
 * its own source's URL, so `isMain(import.meta.url)` stays true only for the
 * script that was started (02 and 03 are also imported by 04).
 */
function ownUrls(root) {
  return {
    name: 'own-import-meta',
    setup(build) {
      build.onLoad({ filter: /\.m?ts$/ }, (args) => {
        if (!args.path.startsWith(root) || args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
        const url = pathToFileURL(args.path).href;
        const text = fs.readFileSync(args.path, 'utf8')
          .replace(/\bimport\.meta\.url\b/g, JSON.stringify(url))
          .replace(/\bimport\.meta\.dirname\b/g, JSON.stringify(path.dirname(args.path)))
          .replace(/\bimport\.meta\.filename\b/g, JSON.stringify(args.path));
        return { contents: text, loader: 'ts' };
      });
    },
  };
}

/** Bundles every entry into a new directory, then points the manifest at it (atomic rename). */
export async function build(root = ROOT, dir = cacheDir(root)) {
  const esbuild = await import('esbuild');
  const id = `${Date.now().toString(36)}-${process.pid}`;
  const outdir = path.join(dir, id);
  const entries = entryPoints(root);
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: entries,
    outbase: root,
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    // Not enabled at run time (Node parses every map as it loads a module):
    // `NODE_OPTIONS=--enable-source-maps` makes a stack trace name the sources.
    sourcemap: true,
    metafile: true,
    logLevel: 'silent',
    plugins: [ownUrls(root)],
  });
  const inputs = {};
  // The launcher itself is an input: a change to how bundles are built rebuilds them.
  for (const rel of [...Object.keys(result.metafile.inputs), path.relative(root, fileURLToPath(import.meta.url))]) {
    const st = fs.statSync(path.join(root, rel));
    inputs[rel] = [st.mtimeMs, st.size];
  }
  const manifest = { dir: id, entries: Object.fromEntries(entries.map((e) => [e, e.replace(/\.m?ts$/, '.mjs')])), inputs };
  fs.writeFileSync(path.join(outdir, MANIFEST_COPY), JSON.stringify(manifest));
  const tmp = path.join(dir, `${MANIFEST}.${id}`);
  fs.writeFileSync(tmp, JSON.stringify(manifest));
  fs.renameSync(tmp, path.join(dir, MANIFEST));
  removeOldBuilds(dir, id);
  return manifest;
}

/**
 * A build stays while a process started from it may still load a chunk from
 * it (DuckDB's chunk at open, the Phase 2 reload mid-run): each start leaves
 * its pid in `<build>/users/`, and a build goes only when none of those is alive.
 */
function removeOldBuilds(dir, keep) {
  for (const name of fs.readdirSync(dir)) {
    if (name === keep || name.startsWith(MANIFEST)) continue;
    const build = path.join(dir, name);
    try {
      if (Date.now() - fs.statSync(build).mtimeMs < 60_000) continue; // just built, its first user may be on its way
      const users = fs.existsSync(path.join(build, 'users')) ? fs.readdirSync(path.join(build, 'users')) : [];
      if (users.some((pid) => alive(Number(pid)))) continue;
      fs.rmSync(build, { recursive: true, force: true });
    } catch { /* another process removed it first */ }
  }
}

function alive(pid) {
  try { process.kill(pid, 0); return true; } catch (e) { return e.code === 'EPERM'; }
}

/** Marks this process as a user of the build; false if the build is gone. */
function use(dir, manifest) {
  try {
    fs.mkdirSync(path.join(dir, manifest.dir, 'users'), { recursive: true });
    fs.writeFileSync(path.join(dir, manifest.dir, 'users', String(process.pid)), '');
    return fs.existsSync(path.join(dir, manifest.dir, MANIFEST_COPY));
  } catch {
    return false;
  }
}

/** The bundle to run for `script`, building it if needed; null when there is none to be had. */
export async function bundleFor(script, root = ROOT, dir = cacheDir(root)) {
  const rel = path.relative(root, script);
  if (!entryPoints(root).includes(rel)) return null;
  for (let attempt = 0; attempt < 2; attempt++) {
    let manifest = freshManifest(root, dir);
    if (!manifest?.entries?.[rel]) {
      try {
        fs.mkdirSync(dir, { recursive: true });
        manifest = await build(root, dir);
      } catch {
        return null;
      }
    }
    // Another process may have replaced and removed this build in between: look again.
    if (use(dir, manifest)) return path.join(dir, manifest.dir, manifest.entries[rel]);
  }
  return null;
}

/**
 * A reader that goes away (`run_backfill.sh --list | head`, a closed pipe) must
 * not end a run with an EPIPE stack trace, nor kill a backfill mid-step: the
 * rest of that stream's output is dropped and the run goes on (the journal and
 * the run history still record it).
 */
function ignoreClosedPipes() {
  for (const s of [process.stdout, process.stderr]) {
    s.on('error', (e) => {
      if (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED') return;
      throw e;
    });
  }
}

async function start() {
  ignoreClosedPipes();
  // argv becomes what `node <script> …` would give: [node, <script>, …args].
  const script = path.resolve(process.argv[2]);
  process.argv.splice(1, 2, script);
  const bundle = process.env.RUNBOOK_START === 'tsx' ? null : await bundleFor(script);
  if (bundle) {
    await import(pathToFileURL(bundle).href);
  } else {
    await import('tsx');
    await import(pathToFileURL(script).href);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await start();
