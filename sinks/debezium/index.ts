export { decodeChangeEvent, type ChangeEvent, type Decoded } from './envelope';
export { mapChangeEvent, type RawPosition } from './mapper';
export { sourceMappingSchema, tableMappingSchema, type SourceMapping, type TableMapping } from './mapping-schema';
export { loadMappings, MAPPINGS_DIR, type TopicRoute } from './mappings';
export { decodeNumber } from './numbers';
export { debeziumRecordMapper } from './record-mapper';
