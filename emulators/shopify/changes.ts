/**
 * The last N applied level changes, for the latency benchmark and drift checks. Kept in typed
 * arrays (a few MB for 200k entries) rather than 200k objects the GC would keep walking.
 */

/** Who changed the level: the Admin API (the hub), staff in the admin, or an order. */
export const CHANGE_SOURCES = ['api', 'admin', 'order'] as const;
export type ChangeSource = (typeof CHANGE_SOURCES)[number];

export interface ChangeEntry {
  seq: number;
  sku: string;
  /** Shopify location id, decimal. */
  locationId: string;
  hubLocation: string;
  available: number;
  /** When the emulator applied it, ms since the epoch. */
  at: number;
  source: ChangeSource;
}

interface Named {
  sku: string;
}
interface Place {
  legacyId: string;
  hubCode: string;
}

export class ChangeLog<I extends Named = Named> {
  private readonly items: Array<I | undefined>;
  private readonly locations: Uint16Array;
  private readonly available: Int32Array;
  private readonly at: Float64Array;
  private readonly sources: Uint8Array;
  /** The seq the next change gets; seqs start at 1 so that since=0 means "everything". */
  private nextSeq = 1;

  constructor(
    readonly capacity: number,
    private readonly placeOf: (index: number) => Place,
  ) {
    this.items = new Array<I | undefined>(capacity);
    this.locations = new Uint16Array(capacity);
    this.available = new Int32Array(capacity);
    this.at = new Float64Array(capacity);
    this.sources = new Uint8Array(capacity);
  }

  record(item: I, locationIndex: number, available: number, at: number, source: ChangeSource): number {
    const seq = this.nextSeq++;
    const slot = (seq - 1) % this.capacity;
    this.items[slot] = item;
    this.locations[slot] = locationIndex;
    this.available[slot] = available;
    this.at[slot] = at;
    this.sources[slot] = CHANGE_SOURCES.indexOf(source);
    return seq;
  }

  /** Seq of the newest change (0 when none). */
  get lastSeq(): number {
    return this.nextSeq - 1;
  }

  /** Seq of the oldest change still held. */
  get oldestSeq(): number {
    return Math.max(1, this.nextSeq - this.capacity);
  }

  /** Changes with seq > since, oldest first; `next` is the since to ask with next time. */
  since(since: number, limit: number): { changes: ChangeEntry[]; next: number } {
    const changes: ChangeEntry[] = [];
    let seq = Math.max(since + 1, this.oldestSeq);
    for (; seq < this.nextSeq && changes.length < limit; seq++) {
      const slot = (seq - 1) % this.capacity;
      const place = this.placeOf(this.locations[slot]!);
      changes.push({
        seq,
        sku: this.items[slot]!.sku,
        locationId: place.legacyId,
        hubLocation: place.hubCode,
        available: this.available[slot]!,
        at: this.at[slot]!,
        source: CHANGE_SOURCES[this.sources[slot]!]!,
      });
    }
    return { changes, next: changes.length > 0 ? changes[changes.length - 1]!.seq : since };
  }
}
