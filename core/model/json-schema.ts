import { zodToJsonSchema } from 'zod-to-json-schema';
import { MOVEMENT_SCHEMA_VERSION, QUANTITY_SIGN, stockMovementSchema } from './movement';

/**
 * The JSON Schema of stock.movement.v1, generated from the zod schema (docs/events/ holds the
 * generated file for non-TypeScript consumers). The per-type rules that zod checks in code
 * (quantity sign, count vs delta) are added as if/then clauses so the JSON Schema is as strict.
 */
export function movementJsonSchema(): Record<string, unknown> {
  const base = zodToJsonSchema(stockMovementSchema, { target: 'jsonSchema7', $refStrategy: 'none' }) as Record<string, unknown>;
  const rules: Array<Record<string, unknown>> = Object.entries(QUANTITY_SIGN).map(([type, sign]) => ({
    if: { properties: { type: { const: type } } },
    then: {
      required: ['quantity'],
      not: { required: ['countedQuantity'] },
      properties: {
        quantity:
          sign === 'negative' ? { exclusiveMaximum: 0 } : sign === 'positive' ? { exclusiveMinimum: 0 } : { not: { const: 0 } },
      },
    },
  }));
  rules.push({
    if: { properties: { type: { const: 'COUNT' } } },
    then: { required: ['countedQuantity'], not: { required: ['quantity'] } },
  });
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: `https://stockhub.dev/schemas/${MOVEMENT_SCHEMA_VERSION}.json`,
    title: MOVEMENT_SCHEMA_VERSION,
    ...base,
    allOf: rules,
  };
}
