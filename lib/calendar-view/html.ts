/**
 * The calendar in the HTML report: the same grid as the terminal, the same
 * glyphs in every cell (readable printed in black and white), colour from the
 * report's inline style sheet, and the date and state on hover.
 */
import { escapeHtml } from '../report/escape.ts';
import { weekLines, type CoverageCalendar } from './calendar.ts';
import { GLYPH, LEGEND } from './states.ts';
import { addDays } from '../seasons/calendar.ts';

/** The style rules the calendar's classes need; the report inlines them. */
export const CALENDAR_CSS = `
table.cal { border-collapse: collapse; font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 12px; margin: 0.5em 0 1em; }
table.cal th { font-weight: 600; padding: 1px 4px; text-align: left; }
table.cal td { width: 1.3em; height: 1.3em; text-align: center; padding: 0; border: 1px solid #fff; }
table.cal td.gap { width: 0.6em; border: none; }
.s-present { background: #2e7d32; color: #fff; }
.s-missing { background: #f9a825; color: #000; }
.s-failed { background: #c62828; color: #fff; font-weight: 700; }
.s-skipped { background: #90caf9; color: #000; }
.s-no_games { background: #eeeeee; color: #777; }
.s-outside { background: #fff; }
.legend span { display: inline-block; min-width: 1.4em; text-align: center; margin-right: 0.3em; }
`;

export function renderCalendarHtml(cal: CoverageCalendar): string {
  const head1 = cal.tables.map((t, k) => `${k ? '<td class="gap"></td>' : ''}<th colspan="7" title="${escapeHtml(t.name)}">${escapeHtml(t.short)}</th>`).join('');
  const head2 = cal.tables.map((_, k) => `${k ? '<td class="gap"></td>' : ''}${[...'MTWTFSS'].map((d) => `<th>${d}</th>`).join('')}`).join('');
  const span = cal.tables.length * 8 - 1;
  const rows = weekLines(cal).map((l) => {
    if (l.kind === 'quiet') return `<tr><th>${l.from}</th><td colspan="${span}" class="s-no_games">no games through the week of ${l.to} (${l.weeks} weeks)</td></tr>`;
    const w = l.week;
    const cells = w.cells.map((days, k) => `${k ? '<td class="gap"></td>' : ''}${days.map((s, d) => {
      if (s === 'outside') return '<td class="s-outside"></td>';
      return `<td class="s-${s}" title="${addDays(w.start, d)} ${escapeHtml(cal.tables[k].short)}: ${s.replace('_', ' ')}">${GLYPH[s]}</td>`;
    }).join('')}`).join('');
    return `<tr><th>${w.start}</th>${cells}</tr>`;
  }).join('\n');
  const key = cal.tables.map((t) => `<b>${escapeHtml(t.short)}</b> ${escapeHtml(t.name)}`).join(' · ');
  return `<h3>${escapeHtml(cal.title)}: ${cal.start} .. ${cal.end}</h3>
<table class="cal">
<tr><th>week of</th>${head1}</tr>
<tr><th></th>${head2}</tr>
${rows}
</table>
<p class="key">${key}</p>`;
}

export function legendHtml(): string {
  return `<p class="legend">${LEGEND.map((l) => `<span class="s-${l.state}">${GLYPH[l.state]}</span>${escapeHtml(l.label)}`).join(' &nbsp; ')}</p>`;
}
