/**
 * Phase 4 quality by week as an inline SVG bar chart: one bar per week of the
 * season, its height the Good share, a dashed line at the 80% the original
 * expects after week 3. Bars are coloured and also labelled (early / below),
 * so the chart reads printed in black and white; each bar has its figures as
 * a tooltip. Nothing external: no fonts, scripts or links.
 */
import { escapeHtml } from './escape.ts';
import { QUALITY_POLICY } from '../gates/quality.ts';
import type { WeekQuality } from './quality-weeks.ts';

export const QUALITY_CSS = `
.season-pair { display: flex; flex-wrap: wrap; gap: 1.5em; align-items: flex-start; }
.season-pair > div { min-width: 0; }
svg.quality { font-family: system-ui, sans-serif; font-size: 11px; }
svg.quality .ok { fill: #2e7d32; }
svg.quality .low { fill: #c62828; }
svg.quality .early { fill: #9e9e9e; }
svg.quality .axis { stroke: #555; stroke-width: 1; }
svg.quality .grid { stroke: #ddd; stroke-width: 1; }
svg.quality .mark { stroke: #222; stroke-width: 1.5; stroke-dasharray: 5 3; }
`;

export function renderQualitySvg(season: string, weeks: readonly WeekQuality[], policy = QUALITY_POLICY): string {
  const title = `Phase 4 quality by week — ${season}`;
  if (!weeks.length) return `<h3>${escapeHtml(title)}</h3>\n<p><em>No player_shot_zone_analysis records for ${escapeHtml(season)}.</em></p>`;
  const last = Math.max(...weeks.map((w) => w.week));
  const slot = 14;
  const left = 34;
  const top = 10;
  const plotH = 160;
  const bottom = 34;
  const width = left + last * slot + 10;
  const height = top + plotH + bottom;
  const y = (p: number) => top + plotH - (p / 100) * plotH;
  const parts: string[] = [];
  for (const p of [0, 25, 50, 75, 100]) {
    parts.push(`<line class="grid" x1="${left}" x2="${width - 6}" y1="${y(p)}" y2="${y(p)}"/>`, `<text x="${left - 4}" y="${y(p) + 4}" text-anchor="end">${p}%</text>`);
  }
  for (const w of weeks) {
    const cls = w.week <= policy.afterWeek ? 'early' : w.goodPct >= policy.goodPct ? 'ok' : 'low';
    const x = left + (w.week - 1) * slot + 2;
    const h = Math.max(1, (w.goodPct / 100) * plotH);
    const tip = `week ${w.week} (from ${w.start}): ${w.goodPct}% Good, ${w.good} of ${w.records} records${cls === 'early' ? ' — early weeks, expected low' : cls === 'low' ? ` — below ${policy.goodPct}%` : ''}`;
    parts.push(`<rect class="${cls}" x="${x}" y="${(top + plotH - h).toFixed(1)}" width="${slot - 4}" height="${h.toFixed(1)}"><title>${escapeHtml(tip)}</title></rect>`);
    if (w.week === 1 || w.week % 4 === 0) parts.push(`<text x="${x + (slot - 4) / 2}" y="${top + plotH + 14}" text-anchor="middle">${w.week}</text>`);
    if (cls === 'low') parts.push(`<text x="${x + (slot - 4) / 2}" y="${(top + plotH - h - 3).toFixed(1)}" text-anchor="middle" font-size="9">!</text>`);
  }
  parts.push(
    `<line class="mark" x1="${left}" x2="${width - 6}" y1="${y(policy.goodPct)}" y2="${y(policy.goodPct)}"><title>${policy.goodPct}% Good expected after week ${policy.afterWeek}</title></line>`,
    `<line class="axis" x1="${left}" x2="${left}" y1="${top}" y2="${top + plotH}"/>`,
    `<line class="axis" x1="${left}" x2="${width - 6}" y1="${top + plotH}" y2="${top + plotH}"/>`,
    `<text x="${left + (last * slot) / 2}" y="${height - 4}" text-anchor="middle">week of the season</text>`,
  );
  const low = weeks.filter((w) => w.week > policy.afterWeek && w.goodPct < policy.goodPct);
  const caption = `Good share (completeness_pct ≥ 90) per week; dashed line: ${policy.goodPct}% expected after week ${policy.afterWeek}; grey: weeks 1-${policy.afterWeek} (limited history). `
    + (low.length ? `Below ${policy.goodPct}% after week ${policy.afterWeek}: ${low.map((w) => `week ${w.week} (${w.goodPct}%)`).join(', ')}.`
      : weeks.some((w) => w.week > policy.afterWeek) ? `Every week after week ${policy.afterWeek} is at ${policy.goodPct}% or more.` : `No week after week ${policy.afterWeek} has records yet.`);
  return `<h3>${escapeHtml(title)}</h3>
<svg class="quality" role="img" aria-label="${escapeHtml(title)}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">
${parts.join('\n')}
</svg>
<p class="caption">${escapeHtml(caption)}</p>`;
}
