export { createOpsRouter, type HealthCheck } from './ops-router';
