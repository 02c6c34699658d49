/**
 * The live page's files as a browser gets them: index.html revalidated on every visit, the files
 * it names hashed, precompressed (brotli, else gzip) and cached for a year, nothing outside the
 * build reachable, and the analysts' chart library only in a chunk that visitors never load.
 */
import { request } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { startTestApp } from '../support/testApp';

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

const get = (url: string, headers: Record<string, string> = {}) =>
  new Promise<Raw>((resolve, reject) => {
    request(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }),
      );
    })
      .on('error', reject)
      .end();
  });

describe('the live page files', () => {
  let t: Awaited<ReturnType<typeof startTestApp>>;
  beforeAll(async () => {
    t = await startTestApp({ label: 'page_files' });
  });
  afterAll(() => t.stop());

  it('revalidates the page and caches its hashed, precompressed files for a year', async () => {
    const page = await get(`${t.url}/`, { 'accept-encoding': 'br, gzip' });
    expect(page.status).toBe(200);
    expect(page.headers['content-encoding']).toBe('br');
    expect(page.headers['cache-control']).toBe('no-cache');
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    const html = brotliDecompressSync(page.body).toString();
    const files = html.match(/\/assets\/[A-Za-z0-9._-]+/g) ?? [];
    expect(files.some((f) => /^\/assets\/app-[A-Z0-9]+\.js$/.test(f))).toBe(true);
    expect(files.some((f) => /^\/assets\/app-[A-Z0-9]+\.css$/.test(f))).toBe(true);

    let visitorBytes = 0;
    for (const file of files) {
      const br = await get(`${t.url}${file}`, { 'accept-encoding': 'gzip, deflate, br' });
      expect(br.status).toBe(200);
      expect(br.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(br.headers['content-encoding']).toBe('br');
      expect(br.headers.vary).toBe('Accept-Encoding');
      visitorBytes += br.body.length;
      const plain = await get(`${t.url}${file}`);
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(brotliDecompressSync(br.body).equals(plain.body)).toBe(true);
      const gzip = await get(`${t.url}${file}`, { 'accept-encoding': 'gzip' });
      expect(gzip.headers['content-encoding']).toBe('gzip');
      expect(gunzipSync(gzip.body).equals(plain.body)).toBe(true);
      // The analysts' chart library is in a chunk of its own, loaded only by the analysts' views.
      expect(plain.body.toString()).not.toContain('uPlot');
    }
    // What a visitor downloads before the page works (issue #26: 113 KB uncompressed before).
    expect(visitorBytes).toBeLessThan(30 * 1024);
  });

  it('finds nothing outside the build, and says so as a problem', async () => {
    for (const path of [
      '/assets/nope.js',
      '/assets/..%2Fpackage.json',
      '/assets/%2e%2e%2fsrc%2fmain.ts',
      '/assets/index.html.br',
    ]) {
      const res = await get(`${t.url}${path}`);
      expect([400, 404]).toContain(res.status);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
  });
});
