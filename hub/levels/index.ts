export { available, emptyLevel, levelKey, levelViewSchema, toView, type Level, type LevelView } from './level';
