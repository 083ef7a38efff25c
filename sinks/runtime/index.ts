export { MovementPublisher, movementMessage, toMovement } from './publisher';
