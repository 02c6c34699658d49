/** The composition root of the command-line tools: the stores named by the configuration. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { getEventStore } from '../app';
import { createKnex, createPool, createRedis, loadConfig } from '../platform';

export function openStores() {
  const config = loadConfig();
  const knex = createKnex(config.databaseUrl, 4);
  const pool = createPool(config.databaseUrl, 4);
  const eventStore = getEventStore(config, pool);
  let redis: ReturnType<typeof createRedis> | undefined;
  return {
    config,
    knex,
    eventStore,
    redis() {
      redis ??= createRedis(config.redisUrl);
      return redis;
    },
    async close() {
      await eventStore.close();
      redis?.disconnect();
      await pool.end();
      await knex.destroy();
    },
  };
}

export function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

/**
 * Runs a tool's main: exits once it is done (after stdout is flushed, without waiting for idle
 * sockets), with 1 and the message when it fails.
 */
export function runCli(main: () => Promise<void>, failure = (error: Error) => error.message): void {
  main().then(
    () => process.stdout.write('', () => process.exit(process.exitCode ?? 0)),
    (error: unknown) => {
      console.error(failure(error as Error));
      process.exit(1);
    },
  );
}

export interface CliSpec<O extends NonNullable<ParseArgsConfig['options']>> {
  /** One line: `npm run x -- <arg> [--flag VALUE]`. */
  usage: string;
  /** What the tool does, and what each argument means, for `--help`. */
  help: string;
  options?: O;
  /** How many positional arguments it takes. */
  positionals?: { min: number; max: number };
}

/**
 * A tool's arguments, parsed by node's own parser: `--help` (or `-h`) prints the usage and the
 * help and exits 0; an unknown flag, a missing value or a wrong number of arguments prints the
 * usage and exits 2 (before anything is opened or read).
 */
export function cliArgs<O extends NonNullable<ParseArgsConfig['options']>>(
  spec: CliSpec<O>,
  argv = process.argv.slice(2),
) {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(`usage: ${spec.usage}\n\n${spec.help}`);
    process.exit(0);
  }
  const { min, max } = spec.positionals ?? { min: 0, max: 0 };
  try {
    const parsed = parseArgs({
      args: argv,
      options: spec.options ?? ({} as O),
      allowPositionals: max > 0,
      strict: true,
    });
    if (parsed.positionals.length < min || parsed.positionals.length > max)
      throw new Error(`expected ${min === max ? min : `${min} to ${max}`} argument${max === 1 ? '' : 's'}`);
    return parsed;
  } catch (error) {
    return fail(`${(error as Error).message}\nusage: ${spec.usage} (--help for more)`);
  }
}
