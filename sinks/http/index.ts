export { rawBody } from './raw-body';
export { readBody, type ReadBody } from './read-body';
