/** Logging in, or signing up: either way the reply's token signs this page in. */
import { useState } from 'preact/hooks';
import { api, ok, failureText } from '../api';
import { session } from '../session';

async function signIn(reply: { userId: string; token: string }, displayName?: string) {
  session.set(reply.userId, reply.token);
  const me = await ok(api.GET('/me'));
  session.set(reply.userId, reply.token, displayName ?? me.displayName);
  location.hash = '#/';
}

type Submit = (event: Event) => Promise<void>;

function LoginForm({ onSubmit }: { onSubmit: Submit }) {
  return (
    <form onSubmit={onSubmit} aria-labelledby="login-title">
      <h1 id="login-title">Log in</h1>
      <label>
        Email <input name="email" type="email" autoComplete="username" required />
      </label>
      <label>
        Password <input name="password" type="password" autoComplete="current-password" required />
      </label>
      <button type="submit">Log in</button>
    </form>
  );
}

function SignupForm({ onSubmit }: { onSubmit: Submit }) {
  return (
    <form onSubmit={onSubmit} aria-labelledby="signup-title">
      <h1 id="signup-title">Sign up</h1>
      <label>
        Name <input name="displayName" maxLength={80} required />
      </label>
      <label>
        Email <input name="email" type="email" autoComplete="username" required />
      </label>
      <label>
        Password (8 or more characters)
        <input
          name="password"
          type="password"
          minLength={8}
          maxLength={128}
          autoComplete="new-password"
          required
        />
      </label>
      <button type="submit">Sign up</button>
    </form>
  );
}

const field = (data: FormData, name: string) => String(data.get(name) ?? '');

export function Login({ reason }: { reason?: string }) {
  const [error, setError] = useState('');
  const handle = (send: (data: FormData) => Promise<void>) => async (event: Event) => {
    event.preventDefault();
    try {
      await send(new FormData(event.target as HTMLFormElement));
      setError('');
    } catch (e) {
      setError(failureText(e));
    }
  };
  const login = handle(async (data) => {
    const body = { email: field(data, 'email'), password: field(data, 'password') };
    await signIn(await ok(api.POST('/auth/login', { body })));
  });
  const signup = handle(async (data) => {
    const body = {
      email: field(data, 'email'),
      password: field(data, 'password'),
      displayName: field(data, 'displayName'),
    };
    await signIn(await ok(api.POST('/auth/register', { body })), body.displayName);
  });
  return (
    <section aria-label="Log in or sign up">
      {reason && <p class="note">{reason}</p>}
      <div class="two">
        <LoginForm onSubmit={login} />
        <SignupForm onSubmit={signup} />
      </div>
      <p role="status" class={error ? 'error' : undefined}>
        {error}
      </p>
    </section>
  );
}
