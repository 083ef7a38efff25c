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
export { checkMovement, parseMovement, type MovementCheck } from './validate';
export { STORE_LOCATION, isStoreLocation } from './locations';
export {
  DEFAULT_MAX_CLOCK_SKEW_S,
  DEFAULT_MAX_LINE_QUANTITY,
  PDV_MAX_BATCH,
  fieldPath,
  limitedPdvPostSchema,
  pdvPostSchema,
  tillEventSchema,
  type PdvPost,
  type TillEvent,
  type TillEventLimits,
} from './till-event';
export { CONTROL_CHARACTER_MESSAGE, freeText, hasControlCharacter, identifier } from './identifier';
