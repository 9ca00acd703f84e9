/**
 * Small markdown builders, so the document module reads as structure and
 * every escape rule lives in one place.
 */

/** Plain text (a terminal string) made safe as inline markdown. */
export function text(s: string): string {
  return s
    .replace(/[\\`*[\]]/g, '\\$&')
    // Only an underscore at a word edge can start emphasis: player_game_summary stays readable.
    .replace(/(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])/g, '\\_')
    // `<` opens HTML or an autolink only before a letter, `/`, `!` or `?`: "< 95%" stays as written.
    .replace(/<(?=[A-Za-z/!?])/g, '&lt;')
    .replace(/^([#>+-]|\d+[.)])(?=\s|$)/, '\\$1');
}

/** Inline code, with a fence longer than any backtick run inside. */
export function code(s: string): string {
  const longest = Math.max(0, ...(s.match(/`+/g) ?? []).map((r) => r.length));
  const tick = '`'.repeat(longest + 1);
  return /^`|`$/.test(s) ? `${tick} ${s} ${tick}` : `${tick}${s}${tick}`;
}

/** A fenced block; the fence outgrows any backtick run in the body. */
export function fence(lang: string, body: string): string[] {
  const longest = Math.max(2, ...(body.match(/^\s*`{3,}/gm) ?? []).map((r) => r.trim().length));
  const f = '`'.repeat(longest + 1);
  return [`${f}${lang}`, ...body.replace(/\s+$/, '').split('\n'), f];
}

function cell(s: string): string {
  return s.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|').trim() || ' ';
}

/** A table; cells are markdown already (use text()/code() on the way in). */
export function table(headers: string[], rows: string[][]): string[] {
  for (const r of rows) if (r.length !== headers.length) throw new Error(`table row has ${r.length} cells, header has ${headers.length}: ${r.join(' | ')}`);
  return [
    `| ${headers.map(cell).join(' | ')} |`,
    `|${headers.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ];
}

/** Heading text as GitHub (and this renderer's HTML) turns it into an anchor. */
export function slug(heading: string): string {
  return heading.trim().toLowerCase().replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '').replace(/ /g, '-');
}

/** Anchors for headings in document order, numbered like GitHub's when a slug repeats. */
export class Slugger {
  private readonly seen = new Map<string, number>();
  next(heading: string): string {
    const base = slug(heading);
    const n = this.seen.get(base);
    this.seen.set(base, (n ?? -1) + 1);
    return n === undefined ? base : `${base}-${n + 1}`;
  }
}

export function link(label: string, anchor: string): string {
  return `[${text(label)}](#${anchor})`;
}
