export { DLQ_TOPICS, RAW_TOPICS, TOPICS, TOPIC_SPECS, type TopicName, type TopicSpec } from './catalog';
