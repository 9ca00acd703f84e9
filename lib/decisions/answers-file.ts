/**
 * `--answers FILE`: the answers of an overnight run, written down beforehand.
 * One answer a line, like --answer, optionally for one season:
 *
 *     # every season: document what the source cannot provide
 *     2.4.1=document:Phase 2 gaps the source cannot fill
 *     2024-25 3.3.2=document:partial season, weeks 4-6 still ramping
 *
 * A season's line wins over a line for every season. Blank lines and `#`
 * comments are ignored; anything else that does not parse is bad input (exit 2).
 */
import fs from 'node:fs';
import { seasonById, SEASONS } from '../seasons/calendar.ts';
import { UsageError } from '../notebook/errors.ts';

export interface FileAnswer { choice: string; note?: string; line: number }

export interface AnswersFile {
  path: string;
  /** `season|gate` ('*' for every season) → the answer. */
  entries: Map<string, FileAnswer>;
}

export function readAnswersFile(file: string): AnswersFile {
  let text: string;
  try { text = fs.readFileSync(file, 'utf8'); } catch (e) {
    throw new UsageError(`--answers ${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const entries = new Map<string, FileAnswer>();
  text.split(/\r?\n/).forEach((raw, k) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const m = /^(?:(\d{4}-\d{2})\s+)?([\w.]+)=([\w-]+)(?::(.*))?$/.exec(line);
    if (!m) throw new UsageError(`--answers ${file} line ${k + 1}: ${JSON.stringify(line)} is not [SEASON ]GATE=CHOICE[:note], e.g. 2.4.1=document:why`);
    if (m[1] && !seasonById(m[1])) throw new UsageError(`--answers ${file} line ${k + 1}: unknown season ${m[1]}; valid: ${SEASONS.map((s) => s.id).join(', ')}`);
    const key = `${m[1] ?? '*'}|${m[2]}`;
    if (entries.has(key)) throw new UsageError(`--answers ${file} line ${k + 1}: ${m[1] ? `${m[1]} ` : ''}${m[2]} is answered twice`);
    entries.set(key, { choice: m[3], note: m[4]?.trim() || undefined, line: k + 1 });
  });
  return { path: file, entries };
}

/** The file's answer for a gate, the season's own line first. */
export function fileAnswer(f: AnswersFile | null, gate: string, season: string | null): FileAnswer | undefined {
  if (!f) return undefined;
  return (season ? f.entries.get(`${season}|${gate}`) : undefined) ?? f.entries.get(`*|${gate}`);
}
