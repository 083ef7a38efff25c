export { createKafka } from './client';
export { ensureTopics, type EnsureTopicsResult } from './ensure-topics';
