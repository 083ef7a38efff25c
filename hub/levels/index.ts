export { applyMovements, type DeltasAfter } from './apply';
export { LevelCache, type CacheRead } from './cache';
export { available, emptyLevel, levelKey, levelViewSchema, toView, type Level, type LevelView } from './level';
export { LevelPublisher } from './publisher';
export { refillCache } from './refill';
export { LEVEL_COLUMNS, levelFromRow, lockLevels, saveLevels, type LevelRow } from './store';
