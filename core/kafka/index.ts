export { chunkBySize } from './chunks';
export { createKafka } from './client';
export { ensureTopics, type EnsureTopicsResult } from './ensure-topics';
export { connectProducer, createProducer, DEFAULT_WHOLE_SEND, WholeSendProducer, type WholeSendOptions } from './producer';
export { commitEndForUncommittedPartitions } from './start-at-end';
export { decodeJson, StageConsumer, stageConsumerTuningSchema, type BatchPosition, type ConsumedRecord, type ConsumerHealth, type Stage, type StageConsumerOptions, type StageConsumerTuningInput } from './consumer';
