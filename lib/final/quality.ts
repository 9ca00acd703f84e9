/**
 * The original's quality expectations, checked per season on
 * player_shot_zone_analysis:
 *  - the first 2-3 weeks are degraded (limited history);
 *  - after week 3, 80%+ of records are Good (completeness_pct >= 90);
 *  - shot zones are NULL for most historical data (play-by-play is sparse).
 * Weeks count from each season's first day; week 1 is bootstrap (no records).
 */
import { daysBetween } from '../seasons/calendar.ts';
import { QUALITY_POLICY } from '../gates/quality.ts';
import type { Row } from '../warehouse/types.ts';
import type { TitledRange } from '../calendar-view/calendar.ts';

export interface QualityDay { analysis_date: string; records: number; good: number; zones_null: number }

export type CheckStatus = 'met' | 'not met' | 'n/a';

export interface QualityCheck {
  kind: 'early-degraded' | 'good-after-week-3' | 'zones-null';
  expectation: string;
  season: string;
  actual: string;
  status: CheckStatus;
  explanation: string;
  /** Weeks after the early ones that fell short on their own, even when the whole is met: the screen marks them. */
  lowWeeks?: string[];
}

const pct = (part: number, whole: number) => (whole ? Math.round((part * 1000) / whole) / 10 : 0);

export function qualityExpectations(days: QualityDay[], seasons: TitledRange[], policy = QUALITY_POLICY): QualityCheck[] {
  const { afterWeek, goodPct } = policy;
  const out: QualityCheck[] = [];
  for (const s of seasons) {
    const mine = days.filter((d) => d.analysis_date >= s.start && d.analysis_date <= s.end);
    const weekOf = (d: string) => Math.floor(daysBetween(s.start, d) / 7) + 1;
    const early = mine.filter((d) => weekOf(d.analysis_date) <= afterWeek);
    const later = mine.filter((d) => weekOf(d.analysis_date) > afterWeek);
    const sum = (ds: QualityDay[], k: 'records' | 'good') => ds.reduce((a, d) => a + d[k], 0);

    const earlyRecords = sum(early, 'records');
    const earlyPct = pct(sum(early, 'good'), earlyRecords);
    out.push({
      kind: 'early-degraded', expectation: `First ${afterWeek - 1}-${afterWeek} weeks degraded`, season: s.title,
      actual: earlyRecords ? `${earlyPct}% Good of ${earlyRecords} records` : 'no records',
      status: !earlyRecords ? 'n/a' : earlyPct < goodPct ? 'met' : 'not met',
      explanation: !earlyRecords ? `no records in weeks 1-${afterWeek} (week 1 is bootstrap)`
        : earlyPct < goodPct ? `as expected: too few earlier games for a full lookback (week 1 is bootstrap)`
          : `Good this early needs history the season does not have yet: check that rows read only games before their date`,
    });

    const laterRecords = sum(later, 'records');
    const laterPct = pct(sum(later, 'good'), laterRecords);
    const weeks = new Map<number, { records: number; good: number }>();
    for (const d of later) {
      const w = weeks.get(weekOf(d.analysis_date)) ?? { records: 0, good: 0 };
      w.records += d.records; w.good += d.good;
      weeks.set(weekOf(d.analysis_date), w);
    }
    const low = [...weeks].filter(([, w]) => pct(w.good, w.records) < goodPct).map(([k, w]) => `${k} (${pct(w.good, w.records)}%)`);
    out.push({
      kind: 'good-after-week-3', expectation: `${goodPct}%+ Good after week ${afterWeek}`, season: s.title,
      actual: laterRecords ? `${laterPct}% Good of ${laterRecords} records` : 'no records',
      status: !laterRecords ? 'n/a' : laterPct >= goodPct ? 'met' : 'not met',
      explanation: !laterRecords ? `the range has no week after week ${afterWeek}`
        : laterPct >= goodPct ? (low.length ? `met overall, but weeks below ${goodPct}%: ${low.join(', ')}` : `every week after week ${afterWeek} is ${goodPct}%+ Good`)
          : `below ${goodPct}% in weeks ${low.join(', ')}: their records' lookback windows lack Phase 3 rows (see 3.3.2 of the season for the missing dates)`,
      lowWeeks: low,
    });
  }
  const total = days.reduce((a, d) => a + d.records, 0);
  const nullPct = pct(days.reduce((a, d) => a + d.zones_null, 0), total);
  const perSeason = seasons.flatMap((s) => {
    const mine = days.filter((d) => d.analysis_date >= s.start && d.analysis_date <= s.end);
    const n = mine.reduce((a, d) => a + d.records, 0);
    return n ? [`${s.title}: ${pct(mine.reduce((a, d) => a + d.zones_null, 0), n)}%`] : [];
  });
  out.push({
    kind: 'zones-null', expectation: 'Shot zones mostly NULL', season: 'all',
    actual: total ? `${nullPct}% of ${total} records without zones` : 'no records',
    status: !total ? 'n/a' : nullPct > 50 ? 'met' : 'not met',
    explanation: !total ? 'no player_shot_zone_analysis records'
      : `${nullPct > 50 ? 'as expected: play-by-play is sparse' : 'more zones than expected: play-by-play covers more games than the original assumed'} (NULL by season: ${perSeason.join(', ')})`,
  });
  return out;
}

export function qualityRows(checks: QualityCheck[]): Row[] {
  return checks.map((q) => ({ expectation: q.expectation, season: q.season, actual: q.actual, status: q.status, explanation: q.explanation }));
}
