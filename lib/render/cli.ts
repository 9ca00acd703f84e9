/**
 * npm run render                 writes RUNBOOK.md and RUNBOOK.html from runbook/*.mts
 * npm run render -- --check      exits 1 with a diff summary when RUNBOOK.md is stale
 *
 * Exit codes: 0 done (or up to date), 1 stale or malformed markdown, 2 a script
 * cannot be documented (a step without a doc comment, a module that does not
 * import) or bad flags. Chatter goes to stderr.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgv, type OptionSpec } from '../notebook/flags.ts';
import { UsageError } from '../notebook/errors.ts';
import { diffSummary } from './diff.ts';
import { render, REPO_ROOT } from './render.ts';
import { RenderProblems } from './scripts.ts';

export const RENDER_OPTIONS: OptionSpec[] = [
  { name: 'check', kind: 'flag', help: 'write nothing; exit 1 with a diff summary when the file is not what the scripts say' },
  { name: 'out', kind: 'string', valueName: 'PATH', default: 'RUNBOOK.md', help: 'where to write the markdown' },
  { name: 'html', kind: 'string', valueName: 'PATH', help: 'where to write the HTML (default: --out with .html)' },
  { name: 'file', kind: 'string', valueName: 'PATH', help: 'with --check: the file to compare (default: --out)' },
  { name: 'dir', kind: 'string', valueName: 'DIR', default: 'runbook', help: 'the scripts to render' },
  { name: 'as-of', kind: 'string', valueName: 'YYYY-MM-DD', help: 'the as-of date the document is shown for (default: the runbook\'s)' },
  { name: 'help', kind: 'flag', help: 'show this help' },
];

function help(): string {
  return ['usage: npm run render -- [options]', '', 'options:',
    ...RENDER_OPTIONS.map((o) => `  ${`--${o.name}${o.kind === 'flag' ? '' : ` ${o.valueName}`}`.padEnd(22)} ${o.help}${o.default ? ` (default ${o.default})` : ''}`),
    '', 'exit codes: 0 done or up to date, 1 stale or malformed, 2 a script cannot be documented or bad flags'].join('\n');
}

export async function main(argv: string[], cwd = REPO_ROOT): Promise<number> {
  const err = (s: string) => process.stderr.write(`${s}\n`);
  let flags;
  try {
    ({ flags } = parseArgv(argv, RENDER_OPTIONS));
  } catch (e) {
    if (e instanceof UsageError) { err(`error: ${e.message}`); return 2; }
    throw e;
  }
  if (flags.help) { process.stdout.write(`${help()}\n`); return 0; }
  const at = (p: string) => path.resolve(cwd, p);
  const out = at(String(flags.out));

  let result;
  try {
    result = await render({ dir: at(String(flags.dir)), asOf: flags['as-of'] as string | undefined });
  } catch (e) {
    if (e instanceof RenderProblems) {
      err(`error: RUNBOOK.md cannot be generated:\n${e.problems.map((p) => `  ${p}`).join('\n')}`);
      return 2;
    }
    throw e;
  }
  for (const n of result.notes) err(`note: ${n}`);
  if (result.problems.length) {
    err(`error: the generated markdown is malformed:\n${result.problems.map((p) => `  ${p}`).join('\n')}`);
    return 1;
  }

  if (flags.check) {
    const file = at(String(flags.file ?? flags.out));
    const shown = path.relative(cwd, file) || file;
    if (!fs.existsSync(file)) { err(`error: ${shown} does not exist: run \`npm run render\` to generate it`); return 1; }
    const diff = diffSummary(fs.readFileSync(file, 'utf8'), result.markdown, shown);
    if (!diff.same) { err(diff.text); return 1; }
    err(`${shown} is up to date.`);
    return 0;
  }

  const html = flags.html ? at(String(flags.html)) : out.replace(/\.md$/i, '') + '.html';
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.mkdirSync(path.dirname(html), { recursive: true });
  fs.writeFileSync(out, result.markdown);
  fs.writeFileSync(html, result.html);
  err(`wrote ${path.relative(cwd, out)} (${result.markdown.split('\n').length - 1} lines) and ${path.relative(cwd, html)}`);
  return 0;
}

// Importable by tests without running.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2), process.cwd());
}
