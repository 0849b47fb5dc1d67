// The smallest uniform covering arrays known, CAN(t, k, v), to hold the generator's row counts against.
// From Colbourn's covering array tables (https://www.public.asu.edu/~ccolbou/src/tabby/catable.html).
//
// Transcribed from the tables' November 2024 state as packaged in the R package CAs (data set
// colbournBigFrame, U. Groemping), here through its flat export colbourn_catalogue.csv in the GitHub
// repository chrispbsmolen/ca-tools. A pair [kMax, N] reads "N rows suffice for up to kMax factors";
// the best known N for k factors is the first pair with kMax >= k. Only small k and v are listed.
const TABLE: Record<string, [number, number][]> = {
  // t = 2
  '2,2': [[3, 4], [4, 5], [10, 6], [15, 7], [35, 8], [56, 9]],
  '2,3': [[4, 9], [5, 11], [7, 12], [9, 13], [10, 14], [20, 15], [21, 16], [29, 17], [46, 18], [49, 19], [63, 20]],
  '2,4': [[5, 16], [6, 19], [7, 21], [9, 22], [12, 24], [13, 25], [15, 26], [17, 27], [24, 28], [27, 29], [30, 30], [35, 31]],
  // t = 3
  '3,2': [[4, 8], [5, 10], [11, 12], [12, 15], [14, 16], [16, 17], [20, 18], [22, 19], [23, 20], [25, 21], [26, 22], [30, 23]],
  '3,3': [[4, 27], [6, 33], [7, 39], [8, 42], [14, 45], [16, 51], [17, 58], [20, 59], [22, 66], [23, 69], [24, 71], [26, 72], [28, 75], [32, 81]],
  '3,4': [[6, 64], [8, 88], [10, 100], [11, 110], [12, 120], [18, 124], [21, 127], [22, 136], [38, 152]],
};

/** The fewest rows known for a t-way covering array of k factors with v levels each, or undefined if not listed. */
export function bestKnownRows(t: number, k: number, v: number): number | undefined {
  if (k <= t) return v ** k; // every combination, once
  return TABLE[`${t},${v}`]?.find(([kMax]) => kMax >= k)?.[1];
}
