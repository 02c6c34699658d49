import jwt from 'jsonwebtoken';
import { TEST_JWT_SECRET, call, registerUser, startTestApp } from '../support/testApp';

describe('accounts over HTTP', () => {
  let t: Awaited<ReturnType<typeof startTestApp>>;
  beforeAll(async () => {
    t = await startTestApp({ label: 'accounts' });
  });
  afterAll(() => t.stop());

  it('registers, logs in and answers /me', async () => {
    const email = `Ada.${Date.now()}@Example.test`;
    const reg = await call(t.url, 'POST', '/auth/register', {
      body: { email, password: 'correct horse battery', displayName: 'Ada' },
    });
    expect(reg.status).toBe(201);
    expect(reg.body).toEqual({ userId: expect.any(String), token: expect.any(String) });
    const claims = jwt.verify(reg.body.token as string, TEST_JWT_SECRET) as jwt.JwtPayload;
    expect(claims).toMatchObject({ sub: reg.body.userId, roles: ['bidder'] });
    expect(claims.exp).toBeGreaterThan(Date.now() / 1000);

    const login = await call(t.url, 'POST', '/auth/login', {
      body: { email: email.toLowerCase(), password: 'correct horse battery' },
    });
    expect(login.status).toBe(200);
    expect(login.body.userId).toBe(reg.body.userId);

    const me = await call(t.url, 'GET', '/me', { token: login.body.token as string });
    expect(me.status).toBe(200);
    expect(me.body).toEqual({ userId: reg.body.userId, email, displayName: 'Ada', roles: ['bidder'] });
  });

  it('refuses a taken email, whatever its case', async () => {
    const user = await registerUser(t.url);
    const again = await call(t.url, 'POST', '/auth/register', {
      body: { email: user.email.toUpperCase(), password: 'another password', displayName: 'X' },
    });
    expect(again.status).toBe(409);
    expect(again.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(again.body).toMatchObject({ status: 409, code: 'EMAIL_TAKEN' });
  });

  it.each([
    [{}, ['body.email', 'body.password', 'body.displayName']],
    [{ email: 'not-an-email', password: 'long enough', displayName: 'X' }, ['body.email']],
    [{ email: 'a@b.test', password: 'short', displayName: 'X' }, ['body.password']],
    [{ email: 'a@b.test', password: 'x'.repeat(129), displayName: 'X' }, ['body.password']],
    [{ email: 'a@b.test', password: 'long enough', displayName: '' }, ['body.displayName']],
    [{ email: 'a@b.test', password: 'long enough', displayName: 'x'.repeat(81) }, ['body.displayName']],
    [{ email: 'a@b.test', password: 12345678, displayName: 'X' }, ['body.password']],
    [{ email: 'a@b.test', password: 'long enough', displayName: 'X', roles: ['admin'] }, ['body.roles']],
  ])('refuses a bad registration %j', async (body, fields) => {
    const res = await call(t.url, 'POST', '/auth/register', { body });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    const named = new Set((res.body.errors as Array<{ field: string }>).map((e) => e.field));
    expect([...named].sort()).toEqual([...fields].sort());
  });

  it('refuses wrong credentials alike, in about the same time', async () => {
    const user = await registerUser(t.url);
    const timeOf = async (email: string) => {
      const started = performance.now();
      const res = await call(t.url, 'POST', '/auth/login', { body: { email, password: 'wrong password' } });
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('INVALID_CREDENTIALS');
      return performance.now() - started;
    };
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 5; i++) {
      known.push(await timeOf(user.email));
      unknown.push(await timeOf(`nobody-${i}@example.test`));
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[2]!;
    const ratio = median(unknown) / median(known);
    expect(ratio).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(2);
  });

  describe('tokens', () => {
    let userId: string;
    beforeAll(async () => {
      userId = (await registerUser(t.url)).userId;
    });
    const me = (token?: string) => call(t.url, 'GET', '/me', token ? { token } : {});

    it('needs one', async () => {
      const res = await me();
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('UNAUTHORIZED');
    });
    it('refuses a wrong key, an expired token, alg none and edited claims', async () => {
      const good = jwt.sign({ roles: ['bidder'] }, TEST_JWT_SECRET, { subject: userId, expiresIn: 60 });
      expect((await me(good)).status).toBe(200);
      const wrongKey = jwt.sign({ roles: ['bidder'] }, 'another-secret-another-secret-1234', {
        subject: userId,
      });
      const expired = jwt.sign(
        { roles: ['bidder'], exp: Math.floor(Date.now() / 1000) - 10 },
        TEST_JWT_SECRET,
        { subject: userId },
      );
      const none = jwt.sign({ roles: ['admin'], sub: userId }, '', { algorithm: 'none' });
      const [h, p, s] = good.split('.');
      const claims = JSON.parse(Buffer.from(p!, 'base64url').toString());
      const tampered = `${h}.${Buffer.from(JSON.stringify({ ...claims, roles: ['admin'] })).toString('base64url')}.${s}`;
      const noSub = jwt.sign({ roles: ['bidder'] }, TEST_JWT_SECRET);
      for (const token of [wrongKey, expired, none, tampered, noSub, 'garbage']) {
        const res = await me(token);
        expect(res.status).toBe(401);
      }
    });
  });
});
