/**
 * Accounts and authentication: registration, login, password hashing (argon2id), JWT issue and
 * verification (passport-jwt with a prepared key), role checks.
 */
export * from './accountsRoutes';
export * from './accountsStore';
export * from './jwtAuth';
export * from './migrations';
export * from './tokens';
