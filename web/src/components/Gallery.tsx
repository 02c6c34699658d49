/** An auction's photos: one large, the others as thumbnails to choose from; the seller adds and removes them. */
import { useState } from 'preact/hooks';
import { ApiError, api, done, idempotencyKey, ok, type AuctionView } from '../api';
import { problemText } from '../format';

type Photo = AuctionView['photos'][number];

const TYPES = ['image/jpeg', 'image/png', 'image/webp'];

/** Uploads each file in turn; says how it went. */
async function uploadAll(auctionId: string, files: File[]) {
  for (const file of files) {
    if (!TYPES.includes(file.type)) throw new Error(`${file.name}: send a JPEG, PNG or WebP image`);
    await ok(
      api.POST('/auctions/{id}/photos', {
        params: { path: { id: auctionId }, header: idempotencyKey() },
        body: file as never,
        bodySerializer: (body: unknown) => body as BodyInit,
        headers: { 'Content-Type': file.type },
      }),
    );
  }
}

function SellerTools({ view, shown }: { view: AuctionView; shown: Photo | undefined }) {
  const [status, setStatus] = useState({ text: '', error: false });
  const act = async (what: string, run: () => Promise<void>) => {
    setStatus({ text: `${what}…`, error: false });
    try {
      await run();
      setStatus({ text: `${what}: done.`, error: false });
    } catch (e) {
      const problem = e instanceof ApiError ? e.problem : undefined;
      setStatus({ text: problemText(problem, undefined, (e as Error).message), error: true });
    }
  };
  const add = (event: Event) => {
    const input = event.target as HTMLInputElement;
    const files = [...(input.files ?? [])];
    input.value = '';
    if (files.length) void act('Uploading', () => uploadAll(view.auctionId, files));
  };
  const remove = (photoId: string) =>
    act('Removing the photo', () =>
      done(
        api.DELETE('/auctions/{id}/photos/{photoId}', { params: { path: { id: view.auctionId, photoId } } }),
      ),
    );
  return (
    <div class="photo-tools">
      {view.status !== 'closed' && view.status !== 'cancelled' && (
        <label>
          Add photos (JPEG, PNG or WebP, up to 10 MB each)
          <input type="file" accept={TYPES.join(',')} multiple onChange={add} />
        </label>
      )}
      {shown && (
        <button type="button" class="secondary" onClick={() => void remove(shown.photoId)}>
          Remove this photo
        </button>
      )}
      <p role="status" class={status.error ? 'error' : undefined}>
        {status.text}
      </p>
    </div>
  );
}

export function Gallery({ view, isSeller }: { view: AuctionView; isSeller: boolean }) {
  const [chosen, choose] = useState(0);
  const photos = view.photos;
  const index = Math.min(chosen, Math.max(0, photos.length - 1));
  const shown = photos[index];
  return (
    <div class="gallery">
      {shown && (
        <figure>
          <img
            src={shown.url}
            width={shown.width}
            height={shown.height}
            alt={`${view.title}: photo ${index + 1} of ${photos.length}`}
            decoding="async"
          />
        </figure>
      )}
      {photos.length > 1 && (
        <ul class="thumbnails" aria-label="Photos">
          {photos.map((photo, i) => (
            <li key={photo.photoId}>
              <button
                type="button"
                aria-pressed={i === index}
                aria-label={`Show photo ${i + 1}`}
                onClick={() => choose(i)}
              >
                <img src={photo.thumbnailUrl} alt="" loading="lazy" decoding="async" />
              </button>
            </li>
          ))}
        </ul>
      )}
      {isSeller && <SellerTools view={view} shown={shown} />}
    </div>
  );
}
