// The rule lives with the levels so that the reservations API can apply it too; the reconciler keeps its import.
export { applyMovements, type DeltasAfter } from '../levels/apply';
