/** Writes the report pair: reports/backfill-<as-of>.md and .html (reports/ is git-ignored). */
import fs from 'node:fs';
import path from 'node:path';
import type { ReportData } from './model.ts';
import { renderMarkdown } from './markdown.ts';
import { renderHtml } from './html.ts';

export function reportPaths(dir: string, asOf: string): { md: string; html: string } {
  const base = path.join(dir, `backfill-${asOf}`);
  return { md: `${base}.md`, html: `${base}.html` };
}

export function writeReport(dir: string, data: ReportData): { md: string; html: string } {
  const paths = reportPaths(dir, data.asOf);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(paths.md, renderMarkdown(data));
  fs.writeFileSync(paths.html, renderHtml(data));
  return paths;
}
