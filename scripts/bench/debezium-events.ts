/** Synthetic Debezium change events shaped like the ERP stand-in's (pgoutput, JSON without schemas). */
const TYPES = ['SAL', 'SAL', 'SAL', 'SAL', 'RET', 'RCV', 'TRO', 'TRI', 'ADJ', 'DMG'] as const;
const SIGN: Record<(typeof TYPES)[number], number> = { SAL: -1, RET: 1, RCV: 1, TRO: -1, TRI: 1, ADJ: 1, DMG: -1 };

export function journalInsert(seq: number, nowMs: number): { key: Buffer; value: Buffer } {
  const type = TYPES[seq % TYPES.length]!;
  const jrnlNo = String(50_000_000 + seq);
  const value = {
    before: null,
    after: {
      JRNLNO: jrnlNo,
      ITMCD: String(10_000_001 + ((seq * 7919) % 50_000)),
      BRNCD: seq % 21 === 0 ? 'DC01' : `S${String((seq % 20) + 1).padStart(3, '0')}`,
      MVTTYP: type,
      QTY: `${SIGN[type] * ((seq % 5) + 1)}.000`,
      DOCNO: `BENCH-${Math.floor(seq / 3)}`,
      DOCLN: String((seq % 3) + 1),
      USRID: 'BENCH',
      TRNDT: nowMs,
      RMK: null,
    },
    source: {
      version: '3.6.1.Final',
      connector: 'postgresql',
      name: 'erp',
      ts_ms: nowMs,
      snapshot: 'false',
      db: 'erp',
      sequence: `["${seq * 100}","${seq * 100 + 56}"]`,
      schema: 'ERPADM',
      table: 'STKJRNL',
      txId: 9_000_000 + seq,
      lsn: 900_000_000 + seq * 100,
      xmin: null,
    },
    transaction: null,
    op: 'c',
    ts_ms: nowMs,
  };
  return { key: Buffer.from(JSON.stringify({ JRNLNO: jrnlNo })), value: Buffer.from(JSON.stringify(value)) };
}
