import type { Logger } from '../../core/logging';
import { recordMapper, type RecordMapper } from '../runtime';
import { decodeChangeEvent } from './envelope';
import { mapChangeEvent } from './mapper';
import type { TopicRoute } from './mappings';

/** The Debezium topics' RecordMapper: decode the envelope, then follow the topic's mapping. */
export function debeziumRecordMapper(routes: Map<string, TopicRoute>, worker: string, logger: Logger): RecordMapper {
  return recordMapper(worker, logger, (message, raw, setStage) => {
    const decoded = decodeChangeEvent(message.value);
    if (decoded.kind === 'tombstone') return null;
    setStage('map');
    const route = routes.get(raw.topic);
    if (route === undefined) throw new Error(`no mapping for topic ${raw.topic}`);
    return mapChangeEvent(route.source, route.table, decoded.event, raw);
  });
}
