import type { Admin } from 'kafkajs';
import { RAW_TOPICS } from '../../../../core/topics';
import { sumHigh, type PartitionEnds, type TopicEnds } from './topic-ends';

export interface RawTopicState {
  topic: string;
  system: 'ERP' | 'WMS' | 'PDV' | 'SHOPIFY';
  /** Records ever written (sum of the partitions' end offsets). */
  endOffset: number;
  /** Records per second over the last ~30 s of samples; null until two samples exist. */
  perSecond: number | null;
  /** Timestamp of the newest record; null while unknown (empty topic, or not looked up yet). */
  lastRecordAt: string | null;
  ageSeconds: number | null;
}

const SYSTEM_OF: Record<string, RawTopicState['system']> = {
  [RAW_TOPICS.erpStockBalance]: 'ERP',
  [RAW_TOPICS.erpStockJournal]: 'ERP',
  [RAW_TOPICS.wmsInventory]: 'WMS',
  [RAW_TOPICS.wmsTransactions]: 'WMS',
  [RAW_TOPICS.pdvMovements]: 'PDV',
  [RAW_TOPICS.shopifyWebhooks]: 'SHOPIFY',
};

const RATE_SPAN_MS = 30_000;
// Raw topics keep 7 days (core/topics); one day more covers records stamped a little early.
const SEARCH_FROM_MS = 8 * 24 * 3600 * 1000;
const SEARCH_PRECISION_MS = 100;

interface Track {
  samples: Array<{ at: number; end: number }>;
  lastRecordAt: number | null;
}

/**
 * Rate and newest-record age of each raw topic, from end offsets sampled at every refresh.
 * kafkajs cannot ask Kafka for the newest record's timestamp directly (ListOffsets v7's
 * MAX_TIMESTAMP), so: when the end moves between two samples, the newest record arrived in
 * between (the age is then at most one refresh off); for what was there before the API started,
 * one background binary search over ListOffsets-by-timestamp finds it.
 */
export class RawTopicTracker {
  private readonly tracks = new Map<string, Track>();

  constructor(private readonly now: () => number = Date.now) {}

  static readonly topics: readonly string[] = Object.keys(SYSTEM_OF);

  update(admin: Admin, ends: TopicEnds): RawTopicState[] {
    const now = this.now();
    return RawTopicTracker.topics.flatMap((topic) => {
      const partitions = ends.get(topic);
      if (partitions === undefined) return [];
      const end = sumHigh(partitions);
      let track = this.tracks.get(topic);
      if (track === undefined) {
        track = { samples: [], lastRecordAt: null };
        this.tracks.set(topic, track);
        if (partitions.some((p) => p.high > p.low)) this.searchNewest(admin, topic, partitions, track);
      }
      const previous = track.samples[track.samples.length - 1];
      if (previous !== undefined && end > previous.end) track.lastRecordAt = now;
      track.samples.push({ at: now, end });
      while (track.samples.length > 2 && now - track.samples[1]!.at >= RATE_SPAN_MS) track.samples.shift();
      const oldest = track.samples[0]!;
      const perSecond = now - oldest.at >= 500 ? Number(((end - oldest.end) / ((now - oldest.at) / 1000)).toFixed(2)) : null;
      return [
        {
          topic,
          system: SYSTEM_OF[topic]!,
          endOffset: end,
          perSecond,
          lastRecordAt: track.lastRecordAt === null ? null : new Date(track.lastRecordAt).toISOString(),
          ageSeconds: track.lastRecordAt === null ? null : Number((Math.max(0, now - track.lastRecordAt) / 1000).toFixed(1)),
        },
      ];
    });
  }

  private searchNewest(admin: Admin, topic: string, partitions: readonly PartitionEnds[], track: Track): void {
    newestRecordTime(admin, topic, partitions, this.now())
      .then((at) => {
        // A record seen arriving meanwhile is newer than anything the search can find.
        if (at !== null && (track.lastRecordAt === null || at > track.lastRecordAt)) track.lastRecordAt = at;
      })
      .catch(() => undefined);
  }
}

/**
 * The newest record's timestamp, to SEARCH_PRECISION_MS, by bisecting "is there a record at or
 * after t" (ListOffsets by timestamp answers the end offset when there is none): ~23 requests.
 */
export async function newestRecordTime(admin: Admin, topic: string, partitions: readonly PartitionEnds[], now: number): Promise<number | null> {
  const highs = new Map(partitions.map((p) => [p.partition, p.high]));
  const anyAtOrAfter = async (t: number): Promise<boolean> =>
    (await admin.fetchTopicOffsetsByTimestamp(topic, t)).some((o) => Number(o.offset) < (highs.get(o.partition) ?? 0));
  let lo = now - SEARCH_FROM_MS;
  // Producers' clocks may run a little ahead of ours.
  let hi = now + 60_000;
  if (await anyAtOrAfter(hi)) return hi;
  if (!(await anyAtOrAfter(lo))) {
    lo = 0;
    if (!(await anyAtOrAfter(lo))) return null;
  }
  while (hi - lo > SEARCH_PRECISION_MS) {
    const mid = Math.floor((lo + hi) / 2);
    if (await anyAtOrAfter(mid)) lo = mid;
    else hi = mid;
  }
  return lo;
}
