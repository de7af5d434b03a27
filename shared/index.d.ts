export * from './api-types';
export type { QueryDefaults } from './query-defaults';
