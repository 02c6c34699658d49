/** The admin's page: find a user by email, see their history, suspend or reinstate them. */
import { useState } from 'preact/hooks';
import { api, ApiError, ok, type HistoryItem, type Reply } from '../api';
import { problemText } from '../format';

type Account = Reply<'/admin/users', 'get'>;
type Message = { text: string; error?: boolean };

const KIND_TEXT: Record<HistoryItem['kind'], string> = {
  suspended: 'Suspended',
  reinstated: 'Reinstated',
  strike: 'Strike (an invoice unpaid past its deadline)',
  bids_cancelled: 'Bids cancelled',
  bids_retracted: 'Bids retracted',
};

const failure = (error: unknown): Message => ({
  text: problemText(
    error instanceof ApiError ? error.problem : undefined,
    undefined,
    (error as Error).message,
  ),
  error: true,
});

const historyOf = async (userId: string, position?: string) =>
  (
    await ok(
      api.GET('/admin/users/{id}/history', {
        params: { path: { id: userId }, header: position ? { 'X-Min-Position': position } : {} },
      }),
    )
  ).items;

export function Admin() {
  const [email, setEmail] = useState('');
  const [found, setFound] = useState<{ account: Account; history: HistoryItem[] }>();
  const [message, setMessage] = useState<Message>();
  const find = async (e: Event) => {
    e.preventDefault();
    try {
      const account = await ok(api.GET('/admin/users', { params: { query: { email } } }));
      setFound({ account, history: await historyOf(account.userId) });
      setMessage(undefined);
    } catch (error) {
      setFound(undefined);
      setMessage(failure(error));
    }
  };
  return (
    <section aria-labelledby="admin-title">
      <h1 id="admin-title">Users</h1>
      <form aria-label="Find a user" onSubmit={(e) => void find(e)}>
        <label>
          Email
          <input type="email" required value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
        </label>
        <button type="submit">Find</button>
      </form>
      {message && (
        <p role="status" class={message.error ? 'error' : 'note'}>
          {message.text}
        </p>
      )}
      {found && (
        <UserCard
          account={found.account}
          history={found.history}
          onChange={(history, text) => (setFound({ ...found, history }), setMessage(text))}
        />
      )}
    </section>
  );
}

/** One user: suspended or not, the form that changes it, and what happened so far. */
function UserCard(props: {
  account: Account;
  history: HistoryItem[];
  onChange(h: HistoryItem[], m: Message): void;
}) {
  const { account, history } = props;
  const [reason, setReason] = useState('');
  const last = history.filter((h) => h.kind === 'suspended' || h.kind === 'reinstated').at(-1);
  const suspended = last?.kind === 'suspended';
  const act = async (e: Event) => {
    e.preventDefault();
    const params = { path: { id: account.userId } };
    try {
      const reply = suspended
        ? await ok(api.POST('/admin/users/{id}/reinstate', { params, body: reason ? { reason } : {} }))
        : await ok(api.POST('/admin/users/{id}/suspend', { params, body: { reason } }));
      setReason('');
      props.onChange(await historyOf(account.userId, reply.position), {
        text: reply.suspended
          ? 'Suspended: their commands are refused, and their bids on open auctions are being cancelled.'
          : 'Reinstated: they may bid again (no cancelled bid comes back).',
      });
    } catch (error) {
      props.onChange(history, failure(error));
    }
  };
  return (
    <>
      <h2>
        {account.displayName} ({account.email}){suspended ? ': suspended' : ''}
      </h2>
      <form aria-label={suspended ? 'Reinstate' : 'Suspend'} onSubmit={(e) => void act(e)}>
        <label>
          Reason
          <input
            required={!suspended}
            maxLength={500}
            value={reason}
            onInput={(e) => setReason(e.currentTarget.value)}
          />
        </label>
        <button type="submit">{suspended ? 'Reinstate' : 'Suspend'}</button>
      </form>
      <h3 id="history-title">History</h3>
      {history.length === 0 && <p class="muted">Nothing yet.</p>}
      <ol aria-labelledby="history-title">
        {history.map((h, i) => (
          <li key={i}>
            {KIND_TEXT[h.kind]} on {new Date(h.at).toLocaleString()} by {h.by.slice(0, 8)}
            {h.bids ? ` (${h.bids} bid${h.bids === 1 ? '' : 's'})` : ''}
            {h.reason ? `: ${h.reason}` : ''}
          </li>
        ))}
      </ol>
    </>
  );
}
