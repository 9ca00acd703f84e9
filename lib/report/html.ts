/**
 * The report as one self-contained HTML file: inline style sheet, no scripts,
 * no fonts, images or links to fetch, so it opens anywhere (an air-gapped
 * laptop, an e-mail attachment) and looks the same.
 */
import type { Value } from '../warehouse/types.ts';
import { CALENDAR_CSS, legendHtml, renderCalendarHtml } from '../calendar-view/html.ts';
import { problemTable, type ReportData, type ReportTable } from './model.ts';
import { escapeHtml } from './escape.ts';
import { QUALITY_CSS, renderQualitySvg } from './quality-svg.ts';

const CSS = `
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 2em auto; max-width: 80em; padding: 0 1em; color: #222; }
h1 { border-bottom: 2px solid #333; padding-bottom: 0.2em; }
h2 { margin-top: 2em; border-bottom: 1px solid #ccc; }
table.data { border-collapse: collapse; margin: 0.5em 0 1em; font-size: 13px; }
table.data th, table.data td { border: 1px solid #ccc; padding: 3px 8px; vertical-align: top; text-align: left; }
table.data th { background: #f3f3f3; }
table.data td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.met, td.ok { color: #1b5e20; font-weight: 600; }
td.notmet { color: #b71c1c; font-weight: 700; }
pre { background: #f6f6f6; padding: 0.6em; overflow-x: auto; }
dl.meta { display: grid; grid-template-columns: max-content auto; gap: 0.2em 1em; }
dl.meta dt { font-weight: 600; }
.verdict { padding: 0.6em 1em; border-left: 4px solid #555; background: #fafafa; }
p.caption { font-size: 12px; color: #444; max-width: 40em; }
${CALENDAR_CSS}${QUALITY_CSS}`;

function text(v: Value | undefined): string {
  if (v === null || v === undefined) return '';
  return Array.isArray(v) ? v.map((x) => String(x)).join(', ') : String(v);
}

function statusClass(s: string): string {
  if (/^(met|ok|accept)/i.test(s)) return ' class="met"';
  if (/not met|LOW|failed/i.test(s)) return ' class="notmet"';
  return '';
}

export function htmlTable(t: ReportTable): string {
  const title = t.title ? `<h3>${escapeHtml(t.title)}</h3>\n` : '';
  if (!t.rows.length) return `${title}<p><em>${escapeHtml(t.empty ?? 'No rows.')}</em></p>`;
  const head = t.columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('');
  const body = t.rows.map((r) => `<tr>${t.columns.map((c) => {
    const v = r[c];
    if (typeof v === 'number') return `<td class="num">${v}</td>`;
    const s = text(v);
    return `<td${c === 'status' ? statusClass(s) : ''}>${escapeHtml(s)}</td>`;
  }).join('')}</tr>`).join('\n');
  return `${title}<table class="data">\n<tr>${head}</tr>\n${body}\n</table>`;
}

export function renderHtml(d: ReportData): string {
  const meta: [string, string][] = [
    ['Range', `${d.range.start} .. ${d.range.end} (as of ${d.asOf})`],
    ['Warehouse', `${d.backend}, project ${d.project}`],
    ['Generated', d.generatedAt],
  ];
  const parts: string[] = [
    `<h1>${escapeHtml(d.title)}</h1>`,
    `<dl class="meta">${meta.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join('')}</dl>`,
    `<p class="verdict"><b>Recommendation:</b> ${escapeHtml(d.verdict.recommendation ?? 'none')} — ${escapeHtml(d.verdict.reason)}<br><b>Decision:</b> ${escapeHtml(d.verdict.answer ?? 'not answered in this run')}</p>`,
  ];
  for (const s of d.sections) {
    parts.push(`<h2>${escapeHtml(s.heading)}</h2>`);
    for (const l of s.text ?? []) parts.push(`<p>${escapeHtml(l)}</p>`);
    for (const t of s.tables) parts.push(htmlTable(t));
    if (s.commands?.length) parts.push(`<pre>${escapeHtml(s.commands.join('\n'))}</pre>`);
  }
  const weeks = d.qualityWeeks ?? [];
  if (d.calendars.length || weeks.length) {
    // Per season, the calendar and the quality chart side by side (stacked on a narrow screen).
    parts.push('<h2>Coverage Calendar</h2>', `<p>Each season's calendar${weeks.length ? ', and beside it Phase 4 quality by week' : ''}.</p>`, legendHtml());
    const seasons = [...new Set([...d.calendars.map((c) => c.title), ...weeks.map((w) => w.season)])];
    for (const season of seasons) {
      const cal = d.calendars.find((c) => c.title === season);
      const mine = weeks.filter((w) => w.season === season);
      // The chart first: on a wide screen it sits beside the calendar, on a narrow one above it.
      parts.push(`<div class="season-pair">`, d.qualityWeeks ? `<div class="chart">${renderQualitySvg(season, mine)}</div>` : '',
        cal ? `<div class="calendar">${renderCalendarHtml(cal)}</div>` : '', '</div>');
    }
    if (d.calendars.length) parts.push(htmlTable({ title: 'Missing and failed dates', ...problemTable(d.calendars) }));
  }
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(d.title)}</title>
<style>${CSS}</style>
</head>
<body>
${parts.join('\n')}
</body>
</html>
`;
}
