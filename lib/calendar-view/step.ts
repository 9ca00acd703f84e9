/**
 * The coverage calendar as a step any script can drop in where the original
 * asks "which dates are missing": a picture per season (present, missing,
 * failed, skipped, no games), then the dates that need attention.
 */
import { checkStep, type CheckStep, type StepContext } from '../notebook/steps.ts';
import { buildCalendars, isQuiet, splitBySeason, type CoverageCalendar, type TitledRange } from './calendar.ts';
import { loadCoverageFacts, type CoverageSource } from './facts.ts';
import { problemLines, renderCalendarText } from './text.ts';

export interface CalendarStepOptions {
  id: string;
  /** Default 'Coverage Calendar'. */
  title?: string;
  /** The tables to draw, in column order (RegisteredJob[] will do: PHASE3_JOBS, PHASE4_JOBS). */
  sources: readonly CoverageSource[];
  /** One calendar per range; default: the step's range cut at season boundaries. */
  ranges?(ctx: StepContext): TitledRange[];
}

export function coverageCalendarStep(o: CalendarStepOptions): CheckStep<void, CoverageCalendar[]> {
  return checkStep<void, CoverageCalendar[]>({
    id: o.id,
    title: o.title ?? 'Coverage Calendar',
    async run(ctx) {
      const ranges = o.ranges?.(ctx) ?? splitBySeason(ctx.range);
      if (!ranges.length) { ctx.out.info('No dates to draw.'); return []; }
      const span = { start: ranges.map((r) => r.start).sort()[0], end: ranges.map((r) => r.end).sort().pop()! };
      const facts = await loadCoverageFacts(ctx.w, o.sources, span);
      const cals: CoverageCalendar[] = [];
      for (const cal of buildCalendars(facts, ranges)) {
        ctx.out.line();
        if (cal.weeks.every(isQuiet)) { ctx.out.note(`${cal.title}: no final games in ${cal.start} .. ${cal.end}`); continue; }
        for (const l of renderCalendarText(cal, { chalk: ctx.out.c, width: ctx.out.width })) ctx.out.line(l);
        cals.push(cal);
      }
      const problems = problemLines(cals);
      ctx.out.line();
      for (const l of problems) ctx.out.warn(l);
      if (!problems.length) ctx.out.ok('no missing or failed dates in these tables');
      return cals;
    },
  });
}
