/**
 * Lighthouse (npm `lighthouse` with Debian's Chromium) on the live page and on an auction page
 * with two photos and a few bids: performance, accessibility and best practices, each over
 * several runs (the median is reported: performance moves with the machine), on Lighthouse's
 * default mobile profile (simulated slow 4G, a mid-range phone's CPU) and on desktop.
 *   npm run bench:lighthouse        (RUNS=3)
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { buildWeb } from '../web/build';
import { OURS, median, startOurs, stopAll } from './servers';

const RUNS = Number(process.env.RUNS ?? 3);
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CATEGORIES = ['performance', 'accessibility', 'best-practices'] as const;
const OUT = path.resolve(__dirname, '../reports/lighthouse');

async function seller() {
  const res = await fetch(`${OURS}/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      email: `lh-${Date.now()}@bench.test`,
      password: 'bench password',
      displayName: 'Seller',
    }),
  });
  return ((await res.json()) as { token: string }).token;
}

/** An auction as a bidder finds it: two photos, a description, some bids. */
async function furnishedAuction() {
  const token = await seller();
  const auth = { authorization: `Bearer ${token}` };
  const created = await fetch(`${OURS}/auctions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...auth },
    body: JSON.stringify({
      title: 'Walnut writing desk',
      description: 'Victorian, with a leather top and three drawers.',
      currency: 'EUR',
      startingPrice: 5000,
      reservePrice: 8000,
      endsAt: new Date(Date.now() + 86_400_000).toISOString(),
    }),
  });
  const { auctionId } = (await created.json()) as { auctionId: string };
  for (const [width, height] of [
    [1600, 1200],
    [1200, 1600],
  ] as const) {
    const photo = await sharp({
      create: { width, height, channels: 3, background: { r: 120, g: 80, b: 50 } },
    })
      .jpeg({ quality: 80 })
      .toBuffer();
    await fetch(`${OURS}/auctions/${auctionId}/photos`, {
      method: 'POST',
      headers: { 'content-type': 'image/jpeg', ...auth },
      body: photo,
    });
  }
  for (let i = 0; i < 3; i++) {
    const bidder = await seller();
    await fetch(`${OURS}/auctions/${auctionId}/bids`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${bidder}` },
      body: JSON.stringify({ amount: 5000 + i * 500 }),
    });
  }
  return auctionId;
}

function lighthouse(url: string, name: string, desktop: boolean) {
  const file = path.join(OUT, `${name}.json`);
  execFileSync(
    path.resolve(__dirname, '../node_modules/.bin/lighthouse'),
    [
      url,
      `--chrome-path=${CHROMIUM}`,
      '--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run --disable-background-networking --disable-component-update --disable-sync',
      `--only-categories=${CATEGORIES.join(',')}`,
      ...(desktop ? ['--preset=desktop'] : []),
      '--output=json',
      `--output-path=${file}`,
      '--quiet',
    ],
    { stdio: 'inherit' },
  );
  const report = JSON.parse(readFileSync(file, 'utf8')) as {
    categories: Record<string, { score: number }>;
    audits: Record<string, { numericValue?: number }>;
  };
  return {
    ...Object.fromEntries(CATEGORIES.map((c) => [c, Math.round(report.categories[c]!.score * 100)])),
    lcpMs: Math.round(report.audits['largest-contentful-paint']?.numericValue ?? 0),
    tbtMs: Math.round(report.audits['total-blocking-time']?.numericValue ?? 0),
  } as Record<string, number>;
}

async function main() {
  mkdirSync(OUT, { recursive: true });
  await buildWeb();
  await startOurs(3);
  const auctionId = await furnishedAuction();
  await new Promise((r) => setTimeout(r, 1000));
  const pages = { live: `${OURS}/`, auction: `${OURS}/#/auction/${auctionId}` };
  for (const desktop of [false, true]) {
    for (const [name, url] of Object.entries(pages)) {
      const runs = Array.from({ length: RUNS }, (_, i) =>
        lighthouse(url, `${name}-${desktop ? 'desktop' : 'mobile'}-${i}`, desktop),
      );
      const medians = Object.fromEntries(
        Object.keys(runs[0]!).map((k) => [k, median(runs.map((r) => r[k]!))]),
      );
      console.log(
        JSON.stringify({ page: name, profile: desktop ? 'desktop' : 'mobile', runs: RUNS, ...medians }),
      );
    }
  }
}

main()
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(stopAll);
