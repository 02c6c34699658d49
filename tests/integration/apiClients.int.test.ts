/**
 * /openapi.json as third-party tools see it: the linters a client team would run (Redocly's
 * recommended rules, Spectral's spectral:oas) find nothing, and a client generated from it
 * (openapi-typescript + openapi-fetch) compiles under `tsc --strict` and runs a user's journey
 * whose every reply its documented schema accepts.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { getTokenIssuer } from '../../src/auth';
import { replyChecker, type OpenApiDocument } from '../support/openApiReplies';
import { TEST_JWT_SECRET, startTestApp } from '../support/testApp';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../..');
const CLIENT = path.join(ROOT, 'tests/client');
const bin = (name: string) => path.join(ROOT, 'node_modules/.bin', name);

describe('the OpenAPI document, as third-party tools see it', () => {
  let t: Awaited<ReturnType<typeof startTestApp>>;
  let doc: OpenApiDocument;
  const file = path.join(CLIENT, 'generated/openapi.json');

  beforeAll(async () => {
    t = await startTestApp({ label: 'api_clients' });
    doc = (await (await fetch(`${t.url}/openapi.json`)).json()) as OpenApiDocument;
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(doc, null, 2));
  });
  afterAll(() => t.stop());

  it('passes Redocly (recommended) with no error and no warning', async () => {
    const { stdout } = await run(
      bin('redocly'),
      ['lint', file, '--format=json', '--config', path.join(ROOT, 'redocly.yaml')],
      {
        cwd: ROOT,
      },
    ).catch((e: { stdout: string }) => ({ stdout: e.stdout }));
    const report = JSON.parse(stdout) as {
      totals: { errors: number; warnings: number };
      problems: unknown[];
    };
    expect(report.problems).toEqual([]);
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
  });

  it('passes Spectral (spectral:oas and the OWASP API Security ruleset) with no error and no warning', async () => {
    const { stdout } = await run(
      bin('spectral'),
      ['lint', file, '--format', 'json', '--ruleset', path.join(ROOT, '.spectral.yaml'), '--quiet'],
      { cwd: ROOT },
    ).catch((e: { stdout: string }) => ({ stdout: e.stdout }));
    expect(JSON.parse(stdout || '[]')).toEqual([]);
  });

  it('generates a client that compiles under tsc --strict and runs a journey the document describes', async () => {
    await run(bin('openapi-typescript'), [file, '-o', path.join(CLIENT, 'generated/schema.d.ts')], {
      cwd: ROOT,
    });
    await run(bin('tsc'), ['-p', path.join(CLIENT, 'tsconfig.json')], { cwd: ROOT }).catch(
      (e: { stdout: string }) => {
        throw new Error(`the journey does not compile against the generated client:\n${e.stdout}`);
      },
    );
    const analyst = getTokenIssuer(TEST_JWT_SECRET, 600).issue({
      sub: crypto.randomUUID(),
      roles: ['analyst'],
    });
    const { stdout } = await run(process.execPath, ['--import', 'tsx', path.join(CLIENT, 'journey.ts')], {
      cwd: ROOT,
      env: { ...process.env, API_URL: t.url, ANALYST_TOKEN: analyst },
    });
    const { replies, result } = JSON.parse(stdout) as {
      replies: Array<{
        method: string;
        path: string;
        status: number;
        contentType: string | null;
        text: string;
      }>;
      result: Record<string, unknown>;
    };
    expect(result).toMatchObject({
      status: 'leading',
      myCeiling: 5000,
      bidAmounts: [1000],
      states: ['leading'],
      amounts: [1000],
      currentPrice: 1000,
    });
    const check = replyChecker(doc);
    for (const r of replies) check(r.method, r.path, r.status, r.contentType, r.text);
    expect(replies.map((r) => `${r.method} ${r.path} ${r.status}`)).toContain('POST /auctions/{id}/bids 422');
    expect(replies.length).toBeGreaterThanOrEqual(10);
  });
});
