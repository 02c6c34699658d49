import { readFileSync } from 'node:fs';
import path from 'node:path';

// package.json sits two levels above this file in src/ and in dist/ alike.
export const { version } = JSON.parse(
  readFileSync(path.resolve(__dirname, '../../package.json'), 'utf8'),
) as {
  version: string;
};
