/** Shortens a name in the middle, keeping its start and its distinctive end: `analytics/…game_summary`. */
export function shortenMiddle(s: string, max: number): string {
  if (s.length <= max) return s;
  if (max <= 3) return s.slice(0, max);
  const slash = s.indexOf('/');
  // Keep the phase prefix when it leaves room for a useful tail.
  const head = slash > 0 && slash + 1 <= Math.floor(max / 2) ? slash + 1 : Math.ceil((max - 1) / 2);
  const tailLen = max - 1 - head;
  return `${s.slice(0, head)}…${s.slice(s.length - tailLen)}`;
}
