/** The report as Markdown: readable as plain text, and rendered by any Markdown viewer. */
import type { Value } from '../warehouse/types.ts';
import { renderCalendarText } from '../calendar-view/text.ts';
import { problemTable } from './model.ts';
import type { ReportData, ReportTable } from './model.ts';

function cell(v: Value | undefined): string {
  if (v === null || v === undefined) return '';
  const s = Array.isArray(v) ? v.map((x) => String(x)).join(', ') : String(v);
  return s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

export function markdownTable(t: ReportTable): string {
  if (!t.rows.length) return `_${t.empty ?? 'No rows.'}_`;
  return [
    `| ${t.columns.join(' | ')} |`,
    `|${t.columns.map(() => '---').join('|')}|`,
    ...t.rows.map((r) => `| ${t.columns.map((c) => cell(r[c])).join(' | ')} |`),
  ].join('\n');
}

export function renderMarkdown(d: ReportData): string {
  const out: string[] = [
    `# ${d.title}`,
    '',
    `- **Range:** ${d.range.start} .. ${d.range.end} (as of ${d.asOf})`,
    `- **Warehouse:** ${d.backend}, project \`${d.project}\``,
    `- **Generated:** ${d.generatedAt}`,
    `- **Recommendation:** ${d.verdict.recommendation ?? 'none'} — ${d.verdict.reason}`,
    `- **Decision:** ${d.verdict.answer ?? 'not answered in this run'}`,
  ];
  for (const s of d.sections) {
    out.push('', `## ${s.heading}`);
    for (const l of s.text ?? []) out.push('', l);
    for (const t of s.tables) {
      if (t.title) out.push('', `### ${t.title}`);
      out.push('', markdownTable(t));
    }
    if (s.commands?.length) out.push('', '```bash', ...s.commands, '```');
  }
  if (d.calendars.length) {
    out.push('', '## Coverage Calendar', '');
    for (const cal of d.calendars) out.push('```text', ...renderCalendarText(cal), '```', '');
    out.push('### Missing and failed dates', '', markdownTable(problemTable(d.calendars)));
  }
  return `${out.join('\n').trimEnd()}\n`;
}
