export { rawBody } from './raw-body';
