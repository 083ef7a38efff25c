export { BatchRunner, decodeAll, deadLetterOf, type Entry } from './batch';
export { decodeJson } from './decode';
export { stageConsumerTuningSchema, type StageConsumerTuning, type StageConsumerTuningInput } from './options';
export { StageConsumer, type StageConsumerOptions } from './stage-consumer';
export type { BatchPosition, ConsumedRecord, ConsumerHealth, Stage } from './types';
