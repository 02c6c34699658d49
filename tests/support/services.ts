export { dockerAvailable, postgresReachable, redisReachable } from '../../src/platform';

export const LOCAL_POSTGRES = 'postgres://postgres@127.0.0.1:5432/postgres';
export const LOCAL_REDIS = 'redis://127.0.0.1:6379';
