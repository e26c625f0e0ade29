import { between, seededRng } from './prng.js';

const draw = (seed: number, stream = 0, n = 5) => {
  const r = seededRng(seed, stream);
  return Array.from({ length: n }, () => r());
};

test('the same seed gives the same numbers; another seed or stream, others', () => {
  expect(draw(42)).toEqual(draw(42));
  expect(draw(42)).not.toEqual(draw(43));
  expect(draw(42, 0)).not.toEqual(draw(42, 1));
  // Seeds above 2^32 are not folded onto small ones.
  expect(draw(2 ** 32 + 42)).not.toEqual(draw(42));
});

test('numbers fall in [0, 1) and spread evenly', () => {
  const r = seededRng(1);
  const buckets = new Array<number>(10).fill(0);
  for (let i = 0; i < 100_000; i++) {
    const x = r();
    expect(x >= 0 && x < 1).toBe(true);
    buckets[Math.floor(x * 10)]!++;
  }
  for (const b of buckets) expect(Math.abs(b - 10_000)).toBeLessThan(500);
});

test('between gives every integer of its range, bounds included', () => {
  const r = seededRng(9);
  const seen = new Set<number>();
  for (let i = 0; i < 1000; i++) seen.add(between(r, 3, 7));
  expect([...seen].sort()).toEqual([3, 4, 5, 6, 7]);
});
