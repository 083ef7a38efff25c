export { chunkBySize } from './chunks';
export { createKafka } from './client';
export { ensureTopics, type EnsureTopicsResult } from './ensure-topics';
export { connectIdempotentProducer } from './producer';
export { commitEndForUncommittedPartitions } from './start-at-end';
