export { MovementPublisher, movementMessage, toMovement } from './publisher';
export { RawTopicWorker, type RawTopicWorkerOptions } from './raw-topic-worker';
export { recordMapper, type DraftMapper, type MappedRecord, type RecordMapper } from './record-mapper';
