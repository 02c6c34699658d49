import Ajv, { JSONSchemaType } from 'ajv';

export type Role = 'api' | 'projector' | 'scheduler';

export interface Config {
  port: number;
  databaseUrl: string;
  redisUrl: string;
  redisKeyPrefix: string;
  eventStoreConnectionString: string | undefined;
  jwtSecret: string;
  jwtSecretIsDefault: boolean;
  jwtTtlSeconds: number;
  roles: Role[];
  /**
   * Where this process runs its projector and scheduler roles: on a worker thread of their own
   * (the default: the live fan-out and the HTTP routes do not hold the read models back), or
   * `inline` on the main event loop.
   */
  projectorThread: 'worker' | 'inline';
  logLevel: string;
  projectionLeaseTtlSeconds: number;
  schedulerSweepSeconds: number;
  /** An auction a user bid on or watches tells them it ends soon this many seconds before its end. */
  notifyEndingSoonSeconds: number;
  /** After the hammer: from the close to an invoice's deadline, an offer's life, strikes to a suspension. */
  afterHammer: { paymentDueSeconds: number; offerTtlSeconds: number; maxStrikes: number };
  nodeEnv: string;
  /** Register and login, per client IP; undefined: off. */
  authRateLimit: RateLimitConfig | undefined;
  /** Bids, per user; undefined: off. */
  bidRateLimit: RateLimitConfig | undefined;
  /** Origins allowed to call the API from a browser: a list, `*`, or none (same origin only). */
  corsOrigins: string[] | '*';
  /** express's `trust proxy`: how many proxies in front set X-Forwarded-For (the client IP of rate limits). */
  trustProxy: number;
  /** When set, GET /metrics needs `Authorization: Bearer <it>`; else it is open (reach it from the private network only). */
  metricsToken: string | undefined;
  /** Where photos are kept: PostgreSQL (the default), or an S3-compatible object store. */
  photoStore: PhotoStoreConfig;
}

export type PhotoStoreConfig =
  | { kind: 'postgres' }
  | {
      kind: 's3';
      bucket: string;
      region: string;
      /** An S3-compatible service's URL (MinIO, R2, Ceph...); AWS S3 itself when unset. */
      endpoint: string | undefined;
      /** The credentials; else the AWS SDK's own chain (environment, instance role). */
      credentials: { accessKeyId: string; secretAccessKey: string } | undefined;
      forcePathStyle: boolean;
    };

export interface RateLimitConfig {
  points: number;
  seconds: number;
}

const DEV_JWT_SECRET = 'dev-only-secret-change-me-0123456789abcdef';
const ROLES: Role[] = ['api', 'projector', 'scheduler'];

interface RawEnv {
  PORT: number;
  DATABASE_URL: string;
  REDIS_URL: string;
  REDIS_KEY_PREFIX: string;
  EVENTSTORE_CONNECTION_STRING?: string;
  JWT_SECRET?: string;
  JWT_TTL_SECONDS: number;
  ROLES: string;
  PROJECTOR_THREAD: 'worker' | 'inline';
  LOG_LEVEL: string;
  PROJECTION_LEASE_TTL_SECONDS: number;
  SCHEDULER_SWEEP_SECONDS: number;
  NOTIFY_ENDING_SOON_SECONDS: number;
  PAYMENT_DUE_SECONDS: number;
  OFFER_TTL_SECONDS: number;
  MAX_STRIKES: number;
  NODE_ENV: string;
  RATE_LIMIT_AUTH: string;
  RATE_LIMIT_BIDS: string;
  CORS_ORIGINS: string;
  TRUST_PROXY: number;
  METRICS_TOKEN?: string;
  PHOTO_STORE: 'postgres' | 's3';
  S3_BUCKET?: string;
  S3_REGION: string;
  S3_ENDPOINT?: string;
  S3_ACCESS_KEY_ID?: string;
  S3_SECRET_ACCESS_KEY?: string;
  S3_FORCE_PATH_STYLE?: boolean;
}

const RATE_LIMIT = '^(off|[1-9][0-9]{0,6}/[1-9][0-9]{0,5})$';

const envSchema: JSONSchemaType<RawEnv> = {
  type: 'object',
  properties: {
    PORT: { type: 'integer', minimum: 0, maximum: 65535, default: 3000 },
    DATABASE_URL: {
      type: 'string',
      pattern: '^postgres(ql)?://',
      default: 'postgres://postgres@127.0.0.1:5432/auctions',
    },
    REDIS_URL: { type: 'string', pattern: '^rediss?://', default: 'redis://127.0.0.1:6379' },
    REDIS_KEY_PREFIX: { type: 'string', pattern: '^[A-Za-z0-9:_.-]{0,64}$', default: '' },
    EVENTSTORE_CONNECTION_STRING: { type: 'string', pattern: '^(esdb|esdb\\+discover)://', nullable: true },
    JWT_SECRET: { type: 'string', minLength: 32, nullable: true },
    JWT_TTL_SECONDS: { type: 'integer', minimum: 60, maximum: 30 * 86400, default: 3600 },
    ROLES: {
      type: 'string',
      pattern: '^(api|projector|scheduler)(,(api|projector|scheduler))*$',
      default: 'api,projector,scheduler',
    },
    PROJECTOR_THREAD: { type: 'string', enum: ['worker', 'inline'], default: 'worker' },
    LOG_LEVEL: {
      type: 'string',
      enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
      default: 'info',
    },
    NODE_ENV: { type: 'string', default: 'development' },
    PROJECTION_LEASE_TTL_SECONDS: { type: 'integer', minimum: 1, maximum: 300, default: 6 },
    SCHEDULER_SWEEP_SECONDS: { type: 'integer', minimum: 1, maximum: 3600, default: 5 },
    NOTIFY_ENDING_SOON_SECONDS: { type: 'integer', minimum: 1, maximum: 86400, default: 300 },
    PAYMENT_DUE_SECONDS: { type: 'integer', minimum: 1, maximum: 31_536_000, default: 259_200 },
    OFFER_TTL_SECONDS: { type: 'integer', minimum: 1, maximum: 2_592_000, default: 172_800 },
    MAX_STRIKES: { type: 'integer', minimum: 1, maximum: 100, default: 3 },
    RATE_LIMIT_AUTH: { type: 'string', pattern: RATE_LIMIT, default: '20/60' },
    RATE_LIMIT_BIDS: { type: 'string', pattern: RATE_LIMIT, default: '30/10' },
    CORS_ORIGINS: {
      type: 'string',
      pattern: '^(\\*|https?://[^,\\s]+(,https?://[^,\\s]+)*)?$',
      default: '',
    },
    TRUST_PROXY: { type: 'integer', minimum: 0, maximum: 10, default: 0 },
    METRICS_TOKEN: {
      type: 'string',
      minLength: 16,
      maxLength: 512,
      pattern: '^[\\x21-\\x7e]+$',
      nullable: true,
    },
    PHOTO_STORE: { type: 'string', enum: ['postgres', 's3'], default: 'postgres' },
    S3_BUCKET: { type: 'string', pattern: '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$', nullable: true },
    S3_REGION: { type: 'string', pattern: '^[a-z0-9-]{1,32}$', default: 'us-east-1' },
    S3_ENDPOINT: { type: 'string', pattern: '^https?://', nullable: true },
    S3_ACCESS_KEY_ID: { type: 'string', minLength: 1, maxLength: 256, nullable: true },
    S3_SECRET_ACCESS_KEY: { type: 'string', minLength: 1, maxLength: 256, nullable: true },
    S3_FORCE_PATH_STYLE: { type: 'boolean', nullable: true },
  },
  required: [],
  additionalProperties: true,
};

const validateEnv = new Ajv({ coerceTypes: true, useDefaults: true, allErrors: true }).compile(envSchema);

export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
}

/** Reads and validates the environment; throws a ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(envSchema.properties)) {
    const value = env[key];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  if (!validateEnv(raw)) {
    const problems = (validateEnv.errors ?? []).map(
      (e) => `${e.instancePath.slice(1) || 'environment'} ${e.message}`,
    );
    throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  }
  const values = raw as unknown as RawEnv;
  if (!values.JWT_SECRET && values.NODE_ENV === 'production') {
    throw new ConfigError('Invalid configuration: JWT_SECRET is required when NODE_ENV=production');
  }
  return {
    port: values.PORT,
    databaseUrl: values.DATABASE_URL,
    redisUrl: values.REDIS_URL,
    redisKeyPrefix: values.REDIS_KEY_PREFIX,
    eventStoreConnectionString: values.EVENTSTORE_CONNECTION_STRING,
    jwtSecret: values.JWT_SECRET ?? DEV_JWT_SECRET,
    jwtSecretIsDefault: !values.JWT_SECRET,
    jwtTtlSeconds: values.JWT_TTL_SECONDS,
    roles: [...new Set(values.ROLES.split(','))].filter((r): r is Role => ROLES.includes(r as Role)),
    projectorThread: values.PROJECTOR_THREAD,
    logLevel: values.LOG_LEVEL,
    projectionLeaseTtlSeconds: values.PROJECTION_LEASE_TTL_SECONDS,
    schedulerSweepSeconds: values.SCHEDULER_SWEEP_SECONDS,
    notifyEndingSoonSeconds: values.NOTIFY_ENDING_SOON_SECONDS,
    afterHammer: {
      paymentDueSeconds: values.PAYMENT_DUE_SECONDS,
      offerTtlSeconds: values.OFFER_TTL_SECONDS,
      maxStrikes: values.MAX_STRIKES,
    },
    nodeEnv: values.NODE_ENV,
    authRateLimit: rateLimitOf(values.RATE_LIMIT_AUTH),
    bidRateLimit: rateLimitOf(values.RATE_LIMIT_BIDS),
    corsOrigins:
      values.CORS_ORIGINS === '*' ? '*' : values.CORS_ORIGINS.split(',').filter((o) => o.length > 0),
    trustProxy: values.TRUST_PROXY,
    metricsToken: values.METRICS_TOKEN || undefined,
    photoStore: photoStoreOf(values),
  };
}

function photoStoreOf(values: RawEnv): PhotoStoreConfig {
  if (values.PHOTO_STORE === 'postgres') return { kind: 'postgres' };
  if (!values.S3_BUCKET) throw new ConfigError('Invalid configuration: PHOTO_STORE=s3 needs S3_BUCKET');
  const keyId = values.S3_ACCESS_KEY_ID;
  const secret = values.S3_SECRET_ACCESS_KEY;
  if (Boolean(keyId) !== Boolean(secret))
    throw new ConfigError(
      'Invalid configuration: set both S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY, or neither',
    );
  return {
    kind: 's3',
    bucket: values.S3_BUCKET,
    region: values.S3_REGION,
    endpoint: values.S3_ENDPOINT,
    credentials: keyId && secret ? { accessKeyId: keyId, secretAccessKey: secret } : undefined,
    // S3-compatible services mostly want the bucket in the path; AWS itself, in the host name.
    forcePathStyle: values.S3_FORCE_PATH_STYLE ?? Boolean(values.S3_ENDPOINT),
  };
}

/** `points/seconds`, or `off`. */
function rateLimitOf(value: string): RateLimitConfig | undefined {
  if (value === 'off') return undefined;
  const [points, seconds] = value.split('/').map(Number);
  return { points: points!, seconds: seconds! };
}
