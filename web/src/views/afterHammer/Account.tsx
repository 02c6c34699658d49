/** The account: download what is held about you, and "Delete my account" with a clear warning. */
import { useState } from 'preact/hooks';
import { api, done, ok } from '../../api';
import { session } from '../../session';
import { failure } from './Invoices';

/** Everything held about the signed-in user, as JSON. */
function MyData() {
  const [data, setData] = useState<string>();
  const [error, setError] = useState<string>();
  const download = async () => {
    try {
      setData(JSON.stringify(await ok(api.GET('/me/data')), null, 2));
    } catch (e) {
      setError(failure(e));
    }
  };
  return (
    <>
      <h2>What we hold about you</h2>
      <button type="button" onClick={() => void download()}>
        Show my data
      </button>
      {data && (
        <pre tabIndex={0} aria-label="Your data, as JSON">
          {data}
        </pre>
      )}
      {error && <p class="error">{error}</p>}
    </>
  );
}

export function Account() {
  const [password, setPassword] = useState('');
  const [understood, setUnderstood] = useState(false);
  const [message, setMessage] = useState<{ text: string; error?: boolean }>();
  const erase = async (e: Event) => {
    e.preventDefault();
    try {
      await done(api.DELETE('/me', { body: { password } }));
      session.clear();
      location.hash = '#/';
    } catch (error) {
      setMessage({ text: failure(error), error: true });
    }
  };
  return (
    <section aria-labelledby="account-title">
      <h1 id="account-title">My account</h1>
      <MyData />
      <h2 id="delete-title">Delete my account</h2>
      <div role="note" class="warning">
        <p>
          <strong>This cannot be undone.</strong> Your email, your display name and every name and address you
          gave at checkout are erased for good, everywhere. Your bids and invoices stay in the record under an
          anonymous id, so that every auction keeps its outcome. You cannot delete the account while you owe
          an invoice.
        </p>
      </div>
      <form aria-labelledby="delete-title" onSubmit={(e) => void erase(e)}>
        <label>
          Your password
          <input
            type="password"
            autocomplete="current-password"
            required
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </label>
        <label>
          <input
            type="checkbox"
            checked={understood}
            onChange={(e) => setUnderstood(e.currentTarget.checked)}
          />
          I understand that my account and personal data are erased for good
        </label>
        <button type="submit" class="danger" disabled={!understood}>
          Delete my account
        </button>
      </form>
      {message && (
        <p role="alert" class={message.error ? 'error' : 'note'}>
          {message.text}
        </p>
      )}
    </section>
  );
}
