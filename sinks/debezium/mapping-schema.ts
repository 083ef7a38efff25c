import { z } from 'zod';
import { movementTypeSchema, sourceSystemSchema } from '../../core/model';

/** A column name in the source table; matched case-insensitively (Oracle says ITMCD, MySQL itmcd). */
const column = z.string().min(1);

/**
 * How one captured table becomes canonical movements. Declared in config/mappings/*.json and
 * validated at start-up; see docs/mappings.md.
 */
export const tableMappingSchema = z
  .object({
    /** The raw topic the table's change events arrive on. */
    topic: z.string().min(1),
    /** schema.table (or db.table) as the connector's source block names it. */
    table: z.string().min(1),
    /**
     * journal: insert-only movement rows, each insert is one movement.
     * balance: a row holds a level; a snapshot read is a COUNT, a change a delta (after - before).
     */
    mode: z.enum(['journal', 'balance']),
    /** The primary key columns; with the source position they make the event id. */
    keyColumns: z.array(column).min(1),
    columns: z
      .object({
        sku: column,
        location: column,
        quantity: column,
        /** journal mode: the movement type code, translated through typeCodes. */
        typeCode: column.optional(),
        document: column.optional(),
        line: column.optional(),
        actor: column.optional(),
        /** Business time; when absent or null, the source commit time is used. */
        occurredAt: column.optional(),
        /** A free-text remark appended to the reason. */
        remark: column.optional(),
      })
      .strict(),
    /** journal mode: source type code -> canonical type. */
    typeCodes: z.record(movementTypeSchema).default({}),
    /** journal mode: codes that are not stock movements, skipped without a dead letter. */
    ignoreTypeCodes: z.array(z.string()).default([]),
    /** journal mode: `signed` if the quantity column carries the direction, `unsigned` if the type gives it. Default signed. */
    quantitySign: z.enum(['signed', 'unsigned']).default('signed'),
    /**
     * balance mode: what inserts, updates and deletes do. `delta` (default) emits after - before;
     * `ignore` emits nothing, for a balance whose movements a journal table already carries
     * (snapshot reads still give the opening COUNT).
     */
    onChange: z.enum(['delta', 'ignore']).default('delta'),
    /** balance mode: the canonical type of a delta. Default ADJUSTMENT. */
    deltaType: movementTypeSchema.default('ADJUSTMENT'),
    /** Columns that arrive as base64 Decimal bytes (decimal.handling.mode=precise), with their scale. */
    decimalScales: z.record(z.number().int().min(0).max(38)).default({}),
    /** Unit of the time column: ms (time.precision.mode=connect, default), us, ns, or iso strings. */
    timeUnit: z.enum(['ms', 'us', 'ns', 'iso']).default('ms'),
    /** Source location codes -> hub location ids; codes not listed pass through unchanged. */
    locations: z.record(z.string().min(1)).default({}),
    /**
     * Rows the hub itself wrote back to the source (through its interface table) and now reads
     * again: a row whose `column` starts with `prefix` moves no stock (no echo loop).
     */
    echoMarker: z.object({ column, prefix: z.string().min(1) }).strict().optional(),
  })
  .strict()
  .superRefine((table, ctx) => {
    if (table.mode === 'journal' && table.columns.typeCode === undefined) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['columns', 'typeCode'], message: 'journal mode needs a typeCode column' });
    }
  });
export type TableMapping = z.infer<typeof tableMappingSchema>;

export const sourceMappingSchema = z
  .object({
    system: sourceSystemSchema,
    /** The Connect connector name; it is the `source.instance` of every event. */
    connector: z.string().min(1),
    tables: z.array(tableMappingSchema).min(1),
  })
  .strict();
export type SourceMapping = z.infer<typeof sourceMappingSchema>;
