// A small seeded pseudo-random generator for the demo data: the same seed gives the same
// sequence on every machine and Node version (mulberry32: 32-bit state, plain integer
// arithmetic), so a seeded demo is reproducible and tests can assert what it holds.
export class Prng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** uniform in [0, 1) */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let z = this.state;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return ((z ^ (z >>> 14)) >>> 0) / 4294967296;
  }

  /** true with probability p */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** uniform integer in [min, max] */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** uniform real in [min, max) */
  between(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** a count with mean `mean` (Poisson; Knuth's method, fine for the small means used here) */
  poisson(mean: number): number {
    if (mean <= 0) return 0;
    const limit = Math.exp(-mean);
    let k = 0;
    let p = this.next();
    while (p > limit) {
      k++;
      p *= this.next();
    }
    return k;
  }

  /** log-normal with the given median and spread (sigma of the logarithm): waiting times */
  logNormal(median: number, sigma: number): number {
    // Box-Muller; 1 - next() keeps the logarithm finite
    const u = 1 - this.next();
    const v = this.next();
    const normal = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    return median * Math.exp(sigma * normal);
  }

  /** log-uniform in [min, max]: amounts spread over an order of magnitude */
  logUniform(min: number, max: number): number {
    return Math.exp(this.between(Math.log(min), Math.log(max)));
  }
}
