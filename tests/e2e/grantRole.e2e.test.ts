import { spawnSync } from 'node:child_process';
import path from 'node:path';
import jwt from 'jsonwebtoken';
import { call, registerUser, startTestApp } from '../support/testApp';

describe('npm run users:grant', () => {
  it('grants a role that appears in tokens issued afterwards', async () => {
    const t = await startTestApp({ label: 'grant' });
    try {
      const user = await registerUser(t.url, 'analyst');
      const run = (...args: string[]) =>
        spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/grantRole.ts', ...args], {
          cwd: path.resolve(__dirname, '../..'),
          env: { ...process.env, DATABASE_URL: t.databaseUrl },
          encoding: 'utf8',
        });
      const ok = run(user.email.toUpperCase(), 'analyst');
      expect(ok.status).toBe(0);
      expect(ok.stdout).toMatch(/granted analyst/);
      expect(run(user.email, 'analyst').status).toBe(0); // granting twice keeps one
      expect(run('nobody@example.test', 'analyst').status).toBe(1);
      expect(run(user.email, 'emperor').status).toBe(2);

      const login = await call(t.url, 'POST', '/auth/login', {
        body: { email: user.email, password: 'correct horse battery' },
      });
      expect((jwt.decode(login.body.token as string) as { roles: string[] }).roles.sort()).toEqual([
        'analyst',
        'bidder',
      ]);
      const me = await call(t.url, 'GET', '/me', { token: login.body.token as string });
      expect((me.body.roles as string[]).sort()).toEqual(['analyst', 'bidder']);
    } finally {
      await t.stop();
    }
  });
});
