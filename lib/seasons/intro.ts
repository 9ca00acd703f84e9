/**
 * The lines under Step 2's and Step 3's titles: the dates, which part of the
 * season they are, and what the bootstrap means for them.
 */
import { partLabel, type DateSpan, type Season } from './calendar.ts';

export function seasonIntro(ctx: { range: DateSpan; season: Season | null }, phase: 'phase3' | 'phase4'): string[] {
  const s = ctx.season;
  const lines = [`Dates: ${ctx.range.start} to ${ctx.range.end}${s ? ` (${partLabel(s)})` : ''}`];
  if (!s) return lines;
  if (s.part !== 'postseason') {
    lines.push(phase === 'phase3'
      ? `Note: the first 7 days (${s.regular.start}..${s.bootstrapEnd}) will have Phase 4 skip due to bootstrap.`
      : `Bootstrap: ${s.regular.start}..${s.bootstrapEnd} get no Phase 4 records (expected).`);
  }
  if (s.part === 'regular' && s.postseason) {
    lines.push(`The postseason (play-in and playoffs, ${s.postseason.start}..${s.postseason.end}) is not in this range: run it with --season ${s.id} --part postseason.`);
  }
  if (s.part === 'postseason') {
    lines.push('No bootstrap: the postseason continues the regular season\'s rolling windows, so run it after the regular season.');
  }
  return lines;
}
