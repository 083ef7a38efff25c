export {
  MOVEMENT_SCHEMA_VERSION,
  MOVEMENT_TYPES,
  QUANTITY_SIGN,
  SOURCE_SYSTEMS,
  movementSourceSchema,
  movementTypeSchema,
  sourceSystemSchema,
  stockMovementSchema,
  type MovementDraft,
  type MovementSource,
  type MovementType,
  type SourceSystem,
  type StockMovement,
} from './movement';
export { deterministicEventId } from './event-id';
export { movementJsonSchema } from './json-schema';
export { checkMovement, type MovementCheck } from './validate';
export { STORE_LOCATION, isStoreLocation } from './locations';
export { PDV_MAX_BATCH, fieldPath, pdvPostSchema, tillEventSchema, type PdvPost, type TillEvent } from './till-event';
