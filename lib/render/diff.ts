/**
 * What `--check` prints when RUNBOOK.md is stale: which sections differ
 * (by their ## title), and the first differing lines of each, with line
 * numbers in both files. A line diff per section keeps it readable when one
 * step's SQL changed in a long document.
 */

export interface Section { title: string; start: number; lines: string[] }

/** Splits at `## ` headings outside code fences; the part before the first is "(top of file)". */
export function splitSections(md: string): Section[] {
  const out: Section[] = [{ title: '(top of file)', start: 1, lines: [] }];
  let fence: string | null = null;
  md.split('\n').forEach((line, i) => {
    const trimmed = line.trim();
    if (fence !== null) {
      if (trimmed.length >= fence.length && trimmed === fence[0].repeat(trimmed.length)) fence = null;
    } else if (/^(`{3,}|~{3,})/.test(trimmed)) {
      fence = /^(`{3,}|~{3,})/.exec(trimmed)![1];
    } else if (line.startsWith('## ')) {
      out.push({ title: line.slice(3).trim(), start: i + 1, lines: [] });
    }
    out[out.length - 1].lines.push(line);
  });
  return out;
}

export interface LineChange { op: '-' | '+'; line: number; text: string }

/** A minimal line diff (longest common subsequence); sections are a few hundred lines at most. */
export function diffLines(a: string[], b: string[], aStart = 1, bStart = 1): LineChange[] {
  const n = a.length, m = b.length;
  const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  const out: LineChange[] = [];
  let i = 0, j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) { i++; j++; }
    else if (j < m && (i === n || lcs[i][j + 1] >= lcs[i + 1][j])) { out.push({ op: '+', line: bStart + j, text: b[j] }); j++; }
    else { out.push({ op: '-', line: aStart + i, text: a[i] }); i++; }
  }
  return out;
}

export interface DiffSummary { same: boolean; text: string }

/**
 * `committed` is the file on disk, `generated` what the scripts say now.
 * `shown` caps the differing lines printed per section.
 */
export function diffSummary(committed: string, generated: string, file: string, shown = 6): DiffSummary {
  if (committed === generated) return { same: true, text: '' };
  const a = splitSections(committed), b = splitSections(generated);
  const byTitle = (xs: Section[]) => new Map(xs.map((s) => [s.title, s]));
  const am = byTitle(a), bm = byTitle(b);
  const report: string[] = [`${file} is not what runbook/*.mts say: run \`npm run render\` to regenerate it (edit the scripts, not the file).`];
  const details: string[] = [];
  for (const s of b) {
    const old = am.get(s.title);
    if (!old) { report.push(`  added:   "${s.title}" (generated, not in ${file})`); continue; }
    if (old.lines.join('\n') === s.lines.join('\n')) continue;
    const changes = diffLines(old.lines, s.lines, old.start, s.start);
    report.push(`  changed: "${s.title}" (${changes.filter((c) => c.op === '-').length} line(s) out, ${changes.filter((c) => c.op === '+').length} in)`);
    details.push(`  ${s.title}:`, ...changes.slice(0, shown).map((c) => `    ${c.op === '-' ? `${file}:${c.line}` : `generated:${c.line}`}`.padEnd(28) + ` ${c.op} ${c.text}`));
    if (changes.length > shown) details.push(`    … ${changes.length - shown} more`);
  }
  for (const s of a) if (!bm.has(s.title)) report.push(`  removed: "${s.title}" (in ${file}, no longer generated)`);
  const order = (xs: Section[]) => xs.map((s) => s.title).filter((t) => am.has(t) && bm.has(t)).join('\n');
  if (order(a) !== order(b)) report.push('  the sections are in a different order');
  return { same: false, text: [...report, ...(details.length ? ['First differing lines:', ...details] : [])].join('\n') };
}
