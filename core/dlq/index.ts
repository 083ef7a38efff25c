export { fromDeadLetterMessage, toDeadLetterMessage, type DeadLetter, type DeadLetterStage } from './dead-letter';
export { DeadLetterWriter } from './writer';
