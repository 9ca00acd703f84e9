/**
 * Seeded randomness. Every stream is named by a string (a season, a game id, a
 * player), so any slice of the dataset — one date, one game — can be regenerated
 * alone and come out identical to the full run.
 */

/** FNV-1a over the string, then a murmur3 finaliser so near-identical ids land far apart. */
function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** mulberry32: small, fast, and good enough for synthetic sports data. */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A stream named by its parts, e.g. Rng.of('box', '0022100001'). */
  static of(...parts: (string | number)[]): Rng {
    return new Rng(hashString(parts.join('|')));
  }

  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [lo, hi], both inclusive. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  normal(mean = 0, sd = 1): number {
    const u = 1 - this.next(); // (0, 1]: log(0) would be -Infinity
    return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }

  /** Exact for the small n of a box score (shots, free throws). */
  binomial(n: number, p: number): number {
    let k = 0;
    for (let i = 0; i < n; i++) if (this.next() < p) k++;
    return k;
  }

  /** Knuth's method: fine for the small means used here (< 30). */
  poisson(mean: number): number {
    const limit = Math.exp(-mean);
    let k = 0;
    let prod = this.next();
    while (prod > limit) {
      k++;
      prod *= this.next();
    }
    return k;
  }

  /** Index drawn with probability proportional to its weight. */
  weighted(weights: readonly number[], total = weights.reduce((a, b) => a + b, 0)): number {
    let x = this.next() * total;
    for (let i = 0; i < weights.length; i++) {
      x -= weights[i];
      if (x < 0) return i;
    }
    return weights.length - 1;
  }

  /** `units` items dealt one by one by weight: a multinomial split of a team total. */
  split(units: number, weights: readonly number[]): number[] {
    const out = new Array<number>(weights.length).fill(0);
    const total = weights.reduce((a, b) => a + b, 0);
    for (let u = 0; u < units; u++) out[this.weighted(weights, total)]++;
    return out;
  }

  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [items[i], items[j]] = [items[j], items[i]];
    }
    return items;
  }
}
