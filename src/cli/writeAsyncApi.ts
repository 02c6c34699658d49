/** Writes docs/asyncapi.json from the WebSocket protocol's schemas: `npm run docs:asyncapi`. */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildAsyncApi } from '../realtime';
import { cliArgs } from './context';

export const ASYNCAPI_FILE = path.resolve(__dirname, '../../docs/asyncapi.json');

export function asyncApiText(): string {
  const { version } = JSON.parse(readFileSync(path.resolve(__dirname, '../../package.json'), 'utf8')) as {
    version: string;
  };
  return `${JSON.stringify(buildAsyncApi(version), null, 2)}\n`;
}

if (require.main === module) {
  cliArgs({
    usage: 'npm run docs:asyncapi',
    help: "Writes docs/asyncapi.json from the WebSocket protocol's schemas (the service serves it at /asyncapi.json).",
  });
  writeFileSync(ASYNCAPI_FILE, asyncApiText());
  console.log(`wrote ${path.relative(process.cwd(), ASYNCAPI_FILE)}`);
}
