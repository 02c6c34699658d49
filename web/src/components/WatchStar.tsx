/** The star that watches an auction (signed-in users only): pressed while watching. */
import { useState } from 'preact/hooks';
import { useStore } from '../store';
import { toggleWatch, watched } from '../watching';
import { session } from '../session';

export function WatchStar({
  auctionId,
  title,
  onChange,
}: {
  auctionId: string;
  title: string;
  onChange?(on: boolean): void;
}) {
  const on = useStore(watched).has(auctionId);
  const [error, setError] = useState<string>();
  if (!session.token) return null;
  const press = async () => {
    try {
      await toggleWatch(auctionId);
      setError(undefined);
      onChange?.(!on);
    } catch (e) {
      setError(`Could not change the watchlist: ${(e as Error).message}`);
    }
  };
  return (
    <>
      <button
        type="button"
        class="star"
        aria-pressed={on}
        aria-label={on ? `Stop watching ${title}` : `Watch ${title}`}
        title={on ? 'Watching: you are told when it ends soon. Press to stop.' : 'Watch this auction'}
        onClick={press}
      >
        {on ? '★' : '☆'}
      </button>
      {error && (
        <span role="alert" class="error">
          {error}
        </span>
      )}
    </>
  );
}
