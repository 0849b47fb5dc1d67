// Colours that survive colour-blindness: Okabe-Ito for categories (devices, sources, directions, bands) and a
// viridis ramp for the heat map. Colour never carries meaning alone: every band and verdict is also written.
export const OKABE_ITO = {
  black: '#000000', orange: '#E69F00', sky: '#56B4E9', green: '#009E73', yellow: '#F0E442', blue: '#0072B2', vermillion: '#D55E00', purple: '#CC79A7',
} as const;

/** Category order for series: strong contrasts first, yellow last (weak on white). */
export const CATEGORY = [OKABE_ITO.blue, OKABE_ITO.orange, OKABE_ITO.green, OKABE_ITO.vermillion, OKABE_ITO.purple, OKABE_ITO.sky, OKABE_ITO.black, OKABE_ITO.yellow];

/** Drift bands and verdicts. */
export const BAND: Record<string, string> = { stable: OKABE_ITO.green, moderate: OKABE_ITO.orange, significant: OKABE_ITO.vermillion, no_data: '#8a8a8a' };
export const VERDICT = { GO: OKABE_ITO.blue, NO_GO: OKABE_ITO.vermillion } as const;
export const SOURCE: Record<string, string> = { field: OKABE_ITO.orange, simulation: OKABE_ITO.blue, replay: OKABE_ITO.purple, unspecified: '#8a8a8a' };

/** Viridis at ten stops (matplotlib's), dark to light: perceptually even and readable in greyscale. */
export const VIRIDIS = ['#440154', '#482878', '#3e4989', '#31688e', '#26828e', '#1f9e89', '#35b779', '#6ece58', '#b5de2b', '#fde725'];

/** The colour at `share` (0..1) along VIRIDIS, interpolated between stops. */
export function viridis(share: number): string {
  const x = Math.min(1, Math.max(0, share)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x));
  const rgb = (hex: string) => [1, 3, 5].map((k) => parseInt(hex.slice(k, k + 2), 16));
  const [a, b] = [rgb(VIRIDIS[i]), rgb(VIRIDIS[i + 1])];
  return `#${a.map((v, k) => Math.round(v + (b[k] - v) * (x - i)).toString(16).padStart(2, '0')).join('')}`;
}

/** The text colour that reads on a viridis stop: white on the dark half, black on the light half. */
export const onViridis = (share: number): string => (share < 0.55 ? '#ffffff' : '#000000');
