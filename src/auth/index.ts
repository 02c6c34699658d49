/**
 * Accounts and authentication: registration, login, password hashing (argon2id), JWT issue and
 * verification (passport-jwt with a prepared key), role checks.
 */
export { accountsRoutes } from './accountsRoutes';
export { getAccountsStore } from './accountsStore';
export { getJwtAuth } from './jwtAuth';
export { accountMigrations } from './migrations';
export { getTokenIssuer, type Role, ROLES } from './tokens';
export { adminUserRoutes } from './adminUserRoutes';
export { erasureRoutes } from './erasureRoutes';
