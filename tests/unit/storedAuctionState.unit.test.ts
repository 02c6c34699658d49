import {
  AUCTION_STATE_VERSION,
  StoredStateVersionError,
  evolveAll,
  fromStoredState,
  toStoredState,
  type Auction,
} from '../../src/auction';

const auction = evolveAll([
  {
    type: 'AuctionCreated',
    data: {
      auctionId: 'a1',
      sellerId: 's',
      title: 'Lamp',
      description: '',
      currency: 'EUR',
      startingPrice: 100,
      reservePrice: 500,
      minIncrement: null,
      startsAt: '2026-01-01T00:00:00.000Z',
      endsAt: '2026-01-02T00:00:00.000Z',
      softClose: null,
      createdAt: '2026-01-01T00:00:00.000Z',
    },
  },
]) as Auction;

describe('the stored auction state', () => {
  it('is written with its version and read back as the same state', () => {
    const stored = JSON.parse(JSON.stringify(toStoredState(auction)));
    expect(stored.stateVersion).toBe(AUCTION_STATE_VERSION);
    expect(fromStoredState(stored)).toMatchObject(auction);
  });

  it('reads states written before the version was named as version 1', () => {
    expect(fromStoredState(JSON.parse(JSON.stringify(auction)))).toMatchObject(auction);
  });

  it('upcasts a version 1 state (before photos): it had none', () => {
    const { photos: _none, ...v1 } = auction;
    expect(fromStoredState({ ...v1, stateVersion: 1 })).toMatchObject({ ...auction, photos: [] });
    expect(fromStoredState(JSON.parse(JSON.stringify(v1)))).toMatchObject({ ...auction, photos: [] });
  });

  it('refuses a state of another version, saying to rebuild', () => {
    expect(() => fromStoredState({ ...auction, stateVersion: 3 })).toThrow(StoredStateVersionError);
    expect(() => fromStoredState({ ...auction, stateVersion: 3 })).toThrow(/projections:rebuild/);
  });
});
