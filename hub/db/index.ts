export { dropDatabase, migrate, MIGRATIONS_DIR } from './migrate';
export { createPool } from './pool';
export { inTransaction } from './transaction';
