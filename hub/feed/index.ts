export { changesSince, currentCursor, type FeedBatch, type NetworkAvailability } from './changes';
export { createFeedRouter, type FeedOptions } from './router';
