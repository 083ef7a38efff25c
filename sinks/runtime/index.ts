export { MovementPublisher, movementMessage, toMovement, type PublisherTopics } from './publisher';
export { RawTopicWorker, type RawTopicWorkerOptions } from './raw-topic-worker';
export { recordMapper, type DraftMapper, type MappedRecord, type RecordMapper } from './record-mapper';
