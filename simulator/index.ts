// simulator/: drives real agents through simulated conditions. Condition models, the perception
// stand-in, scenarios on simulated time, test matrices (covering arrays), virtual sensors.
export * from './models/index.js';
export * from './perception/index.js';
export * from './scenario/index.js';
export * from './run/index.js';
export * from './matrix/index.js';
export * from './virtual-sensors/index.js';
export { seededRandom, randomWalk, gaussian, poisson, deriveSeed, wander, type Random } from './prng.js';
