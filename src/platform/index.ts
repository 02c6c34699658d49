/**
 * Platform: configuration, logging, database clients and migrations, the HTTP shell, health and
 * errors. Knows no domain.
 */
export { type Logger } from '../../node_modules/pino/pino.d';
export {
  apiRouter,
  describeGuard,
  type DocumentedRouter,
  isDocumentedRouter,
  type RouteSpec,
} from './apiRouter';
export {
  blobMigrations,
  type BlobStore,
  memoryBlobStore,
  openBlobStore,
  postgresBlobStore,
  s3BlobStore,
} from './blobStore';
export {
  getPersonalDataVault,
  type PersonalDataVault,
  personalDataMigrations,
  type SealedData,
} from './personalData';
export { type Config, loadConfig, type PhotoStoreConfig, type RateLimitConfig, type Role } from './config';
export { etagOf, notModified } from './etag';
export { hasPlainJsonBody, readJsonBody } from './fastBody';
export { CheckFailedError, type HealthCheck, healthRoutes } from './health';
export { createHttpApp } from './httpApp';
export { documentHeaders, httpShell } from './httpShell';
export type { FastAnswer, FastLane } from './requestBasics';
export { jsonShapeError, parseStoredJson, storableJson, unstorableFields } from './jsonInput';
export { IMAGE_TYPES, type ImageType, InvalidImageError, processImage } from './images';
export { createLogger } from './logger';
export { createMetrics, type Metrics, metricsRoutes, type MetricsSnapshot } from './metrics';
export { nameUuids } from './nameUuid';
export { apiDocsRoutes, buildOpenApi, type NamedSchema, type OpenApiDocument } from './openapi';
export { openApiPath } from './openapiOperation';
export {
  createKnex,
  createPool,
  ensureDatabase,
  type Migration,
  preparedStatement,
  REWRITTEN_ROWS_FILLFACTOR,
  rewrittenRowsMigration,
  runMigrations,
} from './postgres';
export {
  answerClientError,
  BEARER_CHALLENGE,
  escapeHtml,
  internalError,
  isTransientError,
  ProblemError,
  problemOf,
  writeJson,
  writeProblem,
} from './problem';
export { rateLimit, type RateLimitCheck, unlimited } from './rateLimit';
export { jsonRowsWith } from './rawJson';
export { createRedis, redisScript } from './redis';
export { type StartedService, startPostgresContainer, startRedisContainer } from './serviceContainers';
export { dockerAvailable, postgresReachable, probePostgres, redisReachable } from './serviceProbes';
export {
  ajv,
  bodyValidator,
  type FieldError,
  noQuerySchema,
  uuidSchema,
  validationProblem,
} from './validation';
