/**
 * Builds the web app into web/dist: one bundle per entry (the analysts' views and their chart
 * library are a chunk of their own, loaded only by analysts), file names carrying a hash of their
 * content (so they are cached for a year), each file also precompressed (brotli and gzip), and
 * index.html pointing at them. `npm start` and the tests build it first; it takes well under a
 * second.
 */
import { build } from 'esbuild';
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

export const WEB_ROOT = __dirname;
export const WEB_DIST = path.join(__dirname, 'dist');

function precompress(dir: string) {
  for (const name of readdirSync(dir)) {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) precompress(file);
    else if (/\.(js|css|html|svg|json)$/.test(name)) {
      const content = readFileSync(file);
      writeFileSync(
        `${file}.br`,
        brotliCompressSync(content, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
      );
      writeFileSync(`${file}.gz`, gzipSync(content, { level: 9 }));
    }
  }
}

export async function buildWeb({ outdir = WEB_DIST, minify = true } = {}) {
  rmSync(outdir, { recursive: true, force: true });
  const assets = path.join(outdir, 'assets');
  mkdirSync(assets, { recursive: true });
  const result = await build({
    entryPoints: { app: path.join(WEB_ROOT, 'src/main.tsx') },
    bundle: true,
    splitting: true,
    format: 'esm',
    target: ['es2022', 'chrome110', 'firefox110', 'safari16'],
    minify,
    sourcemap: false,
    jsx: 'automatic',
    jsxImportSource: 'preact',
    outdir: assets,
    entryNames: '[name]-[hash]',
    chunkNames: '[name]-[hash]',
    assetNames: '[name]-[hash]',
    metafile: true,
    logLevel: 'warning',
    legalComments: 'none',
  });
  const outputs = Object.entries(result.metafile.outputs);
  const entry = outputs.find(([file, o]) => o.entryPoint?.endsWith('src/main.tsx') && file.endsWith('.js'))!;
  const url = (file: string) => `/assets/${path.basename(file)}`;
  // The chunks the entry imports at once are fetched beside it, not after it.
  const preloads = entry[1].imports
    .filter((i) => i.kind === 'import-statement')
    .map((i) => `<link rel="modulepreload" href="${url(i.path)}" />`)
    .join('\n    ');
  const html = readFileSync(path.join(WEB_ROOT, 'index.html'), 'utf8')
    .replace('%JS%', url(entry[0]))
    .replace('%CSS%', url(entry[1].cssBundle!))
    .replace('<!--PRELOADS-->', preloads);
  writeFileSync(path.join(outdir, 'index.html'), html);
  precompress(outdir);
  return { outputs: outputs.map(([file, o]) => ({ file: path.relative(outdir, file), bytes: o.bytes })) };
}

if (require.main === module) {
  buildWeb().then(
    ({ outputs }) => {
      for (const o of outputs)
        process.stdout.write(`${o.file.padEnd(40)} ${(o.bytes / 1024).toFixed(1)} KB\n`);
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
