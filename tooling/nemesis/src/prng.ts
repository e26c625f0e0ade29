// A seeded pseudo-random generator (sfc32, seeded through splitmix32): the
// same seed gives the same fault schedule on any machine, which
// Math.random cannot.

/** Numbers in [0, 1). */
export type Rng = () => number;

function splitmix32(x: number): () => number {
  return () => {
    x = (x + 0x9e3779b9) | 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/**
 * A generator for `seed` (a safe integer) and `stream`: separate streams of
 * one seed (faults, edits) do not shift each other when one draws more.
 */
export function seededRng(seed: number, stream = 0): Rng {
  const hi = Math.floor(seed / 2 ** 32);
  const mix = splitmix32((seed >>> 0) ^ Math.imul(hi, 0x27d4eb2d) ^ Math.imul(stream + 1, 0x165667b1));
  let a = mix();
  let b = mix();
  let c = mix();
  let d = mix();
  const next = () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 2 ** 32;
  };
  // The first outputs of sfc32 still carry the seed's pattern.
  for (let i = 0; i < 12; i++) next();
  return next;
}

/** An integer in [min, max]. */
export const between = (rng: Rng, min: number, max: number) => min + Math.floor(rng() * (max - min + 1));
