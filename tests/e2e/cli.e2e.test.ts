import { execFile, spawnSync } from 'node:child_process';
import path from 'node:path';
import { call, createAuction, inSeconds, registerUser, startTestApp } from '../support/testApp';

const ROOT = path.resolve(__dirname, '../..');

describe('command-line tools', () => {
  it('replay, export and projections:rebuild work against a running service', async () => {
    const t = await startTestApp({ label: 'cli' });
    // Asynchronous: the server under test runs in this process and must keep serving.
    const run = (script: string, ...args: string[]) =>
      new Promise<{ status: number | null; stdout: string }>((resolve) => {
        execFile(
          process.execPath,
          ['--import', 'tsx', script, ...args],
          {
            cwd: ROOT,
            env: {
              ...process.env,
              DATABASE_URL: t.databaseUrl,
              REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
              REDIS_KEY_PREFIX: t.redisKeyPrefix,
            },
            encoding: 'utf8',
            timeout: 30_000, // a hung tool fails the test with its output instead of stalling it
            killSignal: 'SIGKILL',
          },
          (error, stdout, stderr) => {
            const killed = (error as { killed?: boolean } | null)?.killed;
            if (killed) console.error(`${script} ${args.join(' ')} did not finish:\n${stdout}\n${stderr}`);
            resolve({ status: killed ? -1 : error ? ((error as { code?: number }).code ?? 1) : 0, stdout });
          },
        );
      });
    try {
      const seller = await registerUser(t.url, 'seller');
      const bidder = await registerUser(t.url, 'bidder');
      const other = await registerUser(t.url, 'other');
      const auctionId = await createAuction(t.url, seller.token, { title: 'Replayed lamp' });
      const first = await call(t.url, 'POST', `/auctions/${auctionId}/bids`, {
        token: bidder.token,
        body: { amount: 1000 },
      });
      await new Promise((r) => setTimeout(r, 50));
      await call(t.url, 'POST', `/auctions/${auctionId}/bids`, {
        token: other.token, // another bidder: the leader bidding again would only raise a private ceiling
        body: { amount: 1500 },
      });

      const replay = await run('src/cli/replay.ts', auctionId);
      expect(replay.status).toBe(0);
      expect(replay.stdout).toMatch(/AuctionCreated\s+"Replayed lamp"/);
      expect(replay.stdout.match(/BidPlaced/g)).toHaveLength(2);
      expect(replay.stdout).toMatch(/"bidCount": 2/);
      const at = new Date(
        Date.parse((await t.app.eventStore.readStream(`auction-${auctionId}`))[1]!.recordedAt.toISOString()) +
          1,
      ).toISOString();
      const then = await run('src/cli/replay.ts', auctionId, '--at', at);
      expect(then.stdout.match(/BidPlaced/g)).toHaveLength(1);
      expect(then.stdout).toMatch(/"bidCount": 1/);
      expect((await run('src/cli/replay.ts')).status).toBe(2);

      const exported = await run('src/cli/exportEvents.ts');
      expect(exported.status).toBe(0);
      const lines = exported.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(lines.filter((l) => l.stream === `auction-${auctionId}`).map((l) => l.type)).toEqual([
        'AuctionCreated',
        'BidPlaced',
        'BidPlaced',
      ]);
      const after = await run('src/cli/exportEvents.ts', '--after', first.body.position as string);
      expect(
        after.stdout
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l).type),
      ).toEqual(['BidPlaced']);
      expect((await run('src/cli/exportEvents.ts', '--after', 'nonsense')).status).toBe(2);

      const rebuild = await run('src/cli/rebuildProjections.ts');
      expect(rebuild.status).toBe(0);
      expect(rebuild.stdout).toMatch(/postgres-read-model: rebuilt from \d+ events/);
      expect(rebuild.stdout).toMatch(/redis-read-model: rebuilt from \d+ events/);
      expect(rebuild.stdout).toMatch(/notifications: (rebuilt from \d+ events|the running projector)/);
      expect(rebuild.stdout).toMatch(/analytics: (rebuilt from \d+ events|the running projector)/);
      expect(rebuild.stdout).toMatch(/sales: (rebuilt from \d+ events|the running projector)/);
      // Derived again, not again told: the bidder's one outbid is still one.
      const notices = await call(t.url, 'GET', '/me/notifications', { token: bidder.token });
      expect((notices.body.items as Array<{ kind: string }>).map((n) => n.kind)).toEqual(['outbid']);
      const view = await call(t.url, 'GET', `/auctions/${auctionId}`);
      expect(view.body).toMatchObject({ currentPrice: 1500, bidCount: 2 }); // the other bidder leads
      expect((await run('src/cli/rebuildProjections.ts', 'nope')).status).toBe(2);

      // what-if: an auction that closed, replayed without proxy bidding.
      const short = await createAuction(t.url, seller.token, { endsAt: inSeconds(2) });
      await call(t.url, 'POST', `/auctions/${short}/bids`, {
        token: bidder.token,
        body: { amount: 1000, maxAmount: 3000 },
      });
      await call(t.url, 'POST', `/auctions/${short}/bids`, { token: other.token, body: { amount: 1500 } });
      for (let i = 0; i < 100; i++) {
        const events = await t.app.eventStore.readStream(`auction-${short}`);
        if (events.some((e) => e.type === 'AuctionClosed')) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const whatIf = await run('src/cli/whatIf.ts', '--auction', short, '--no-proxy');
      expect(whatIf.status).toBe(0);
      // With proxies the first bidder's ceiling answered at 1600; without, the other wins at 1500.
      expect(whatIf.stdout).toMatch(
        new RegExp(`${short}\\s+sold 1600 EUR\\s+sold 1500 EUR\\s+price, winner`),
      );
      expect(whatIf.stdout).toMatch(/1 auction, 1 changed/);
      for (const bad of [
        ['--soft-close', '0:5'],
        ['--from', 'yesterday'],
        ['--auction', short, '--from', '2026-01-01'],
        ['--fast'],
      ])
        expect((await run('src/cli/whatIf.ts', ...bad)).status).toBe(2);
    } finally {
      await t.stop();
    }
  }, 120_000);

  it.each([
    ['src/cli/exportEvents.ts', 'npm run export'],
    ['src/cli/replay.ts', 'npm run replay'],
    ['src/cli/rebuildProjections.ts', 'npm run projections:rebuild'],
    ['src/cli/whatIf.ts', 'npm run what-if'],
    ['src/cli/grantRole.ts', 'npm run users:grant'],
    ['src/cli/writeAsyncApi.ts', 'npm run docs:asyncapi'],
  ])(
    '%s answers --help with its usage (exit 0) and an unknown flag with it (exit 2), touching nothing',
    (script, usage) => {
      const run = (...args: string[]) =>
        spawnSync(process.execPath, ['--import', 'tsx', script, ...args], {
          cwd: ROOT,
          // Nothing to connect to: the answers must come before anything is opened.
          env: {
            ...process.env,
            DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
            REDIS_URL: 'redis://127.0.0.1:1',
          },
          encoding: 'utf8',
          timeout: 20_000,
        });
      const help = run('--help');
      expect([help.status, help.stdout]).toEqual([0, expect.stringContaining(`usage: ${usage}`)]);
      const unknown = run('--no-such-flag');
      expect([unknown.status, unknown.stderr]).toEqual([2, expect.stringContaining(`usage: ${usage}`)]);
    },
  );
});
