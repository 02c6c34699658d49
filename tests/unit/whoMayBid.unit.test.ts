/**
 * Who may bid, given/when/then (api.md, "Who may bid"): the user stream's blocks and suspensions,
 * a sale's registrations, the access index folded from the log, and the decider's eligibility rule.
 */
import { checkEligible, decide, evolveAll, type Auction, type AuctionCommand } from '../../src/auction';
import { accountDecider, createAccessIndex, registrationDecider, type SaleTerms } from '../../src/bidders';
import { at, auctionCreated, iso } from '../support/auctionFixtures';
import { deciderSpec } from '../support/deciderSpec';

const U = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const [seller, bidder, admin, sale] = [U(1), U(2), U(3), U(4)];

describe('a user stream: blocks and suspension', () => {
  const given = deciderSpec(accountDecider);
  const blocked = { type: 'BidderBlocked' as const, data: { bidderId: bidder, blockedAt: iso(0) } };

  it('blocks once, unblocks once; blocking yourself is refused', () => {
    given([])
      .when({ type: 'BlockBidder', data: { sellerId: seller, bidderId: bidder }, now: at(0) })
      .then([blocked]);
    given([blocked])
      .when({ type: 'BlockBidder', data: { sellerId: seller, bidderId: bidder }, now: at(1) })
      .then([]);
    given([blocked])
      .when({ type: 'UnblockBidder', data: { sellerId: seller, bidderId: bidder }, now: at(2) })
      .then([{ type: 'BidderUnblocked', data: { bidderId: bidder, unblockedAt: iso(2) } }]);
    given([])
      .when({ type: 'UnblockBidder', data: { sellerId: seller, bidderId: bidder }, now: at(2) })
      .then([]);
    given([])
      .when({ type: 'BlockBidder', data: { sellerId: seller, bidderId: seller }, now: at(0) })
      .thenRefuses('CANNOT_BLOCK_SELF');
  });

  it("suspends and reinstates with the admin's id and reason, each once", () => {
    const suspended = {
      type: 'UserSuspended' as const,
      data: { adminId: admin, reason: 'fraud', suspendedAt: iso(0) },
    };
    given([])
      .when({ type: 'SuspendUser', data: { adminId: admin, reason: 'fraud' }, now: at(0) })
      .then([suspended]);
    given([suspended])
      .when({ type: 'SuspendUser', data: { adminId: admin, reason: 'again' }, now: at(1) })
      .then([]);
    given([suspended])
      .when({ type: 'ReinstateUser', data: { adminId: admin, reason: null }, now: at(2) })
      .then([{ type: 'UserReinstated', data: { adminId: admin, reason: null, reinstatedAt: iso(2) } }]);
    given([])
      .when({ type: 'ReinstateUser', data: { adminId: admin, reason: null }, now: at(2) })
      .then([]);
  });
});

describe("a sale's registrations", () => {
  const given = deciderSpec(registrationDecider);
  const terms: SaleTerms = { sellerId: seller, requiresApproval: true, open: true };
  const asked = { type: 'RegistrationRequested' as const, data: { userId: bidder, requestedAt: iso(0) } };
  const request = (sale = terms) => ({
    type: 'RequestRegistration' as const,
    data: { userId: bidder, sale },
    now: at(0),
  });
  const approve = (by = seller) => ({
    type: 'ApproveRegistration' as const,
    data: { userId: bidder, by, sale: terms },
    now: at(5),
  });
  const approved = {
    type: 'RegistrationApproved' as const,
    data: { userId: bidder, sellerId: seller, approvedAt: iso(5) },
  };

  it('a bidder asks (once while pending or approved); a sale without approval, its seller, a closed sale: refused', () => {
    given([]).when(request()).then([asked]);
    given([asked]).when(request()).then([]);
    given([asked, approved]).when(request()).then([]);
    given([])
      .when(request({ ...terms, requiresApproval: false }))
      .thenRefuses('APPROVAL_NOT_REQUIRED');
    given([])
      .when(request({ ...terms, open: false }))
      .thenRefuses('SALE_CLOSED');
    given([])
      .when({ type: 'RequestRegistration', data: { userId: seller, sale: terms }, now: at(0) })
      .thenRefuses('SELLER_CANNOT_REGISTER');
  });

  it('the seller approves or declines (and may change their mind); nobody else; nobody who did not ask', () => {
    given([asked]).when(approve()).then([approved]);
    given([asked, approved]).when(approve()).then([]);
    given([asked]).when(approve(bidder)).thenRefuses('NOT_SELLER');
    given([]).when(approve()).thenRefuses('REGISTRATION_NOT_FOUND');
    given([asked, approved])
      .when({
        type: 'DeclineRegistration',
        data: { userId: bidder, by: seller, reason: 'no deposit', sale: terms },
        now: at(9),
      })
      .then([
        {
          type: 'RegistrationDeclined',
          data: { userId: bidder, sellerId: seller, reason: 'no deposit', declinedAt: iso(9) },
        },
      ]);
  });
});

describe('the access index and the eligibility rule', () => {
  const lot = evolveAll([auctionCreated({ sellerId: seller, saleId: sale, lotNumber: 1 })]) as Auction;
  const bid = (
    eligibility: ReturnType<ReturnType<typeof createAccessIndex>['eligibility']>,
  ): AuctionCommand => ({
    type: 'PlaceBid',
    data: { bidId: 'b', autoBidId: 'a', bidderId: bidder, amount: 1000, eligibility },
    now: at(60),
  });
  const code = (fn: () => unknown) => {
    try {
      fn();
      return 'accepted';
    } catch (error) {
      return (error as { code: string }).code;
    }
  };

  it('follows the log: approval, blocks, suspension; a replayed event changes nothing', () => {
    const index = createAccessIndex();
    const apply = (streamId: string, type: string, data: object) => index.apply({ streamId, type, data });
    const check = () => code(() => decide(bid(index.eligibility(bidder)), lot));
    expect(check()).toBe('accepted');
    apply(`sale-${sale}`, 'SaleCreated', { saleId: sale, requiresApproval: true });
    expect(check()).toBe('BIDDER_NOT_APPROVED');
    apply(`registrations-${sale}`, 'RegistrationRequested', { userId: bidder, requestedAt: iso(1) });
    expect(check()).toBe('BIDDER_NOT_APPROVED');
    apply(`registrations-${sale}`, 'RegistrationApproved', {
      userId: bidder,
      sellerId: seller,
      approvedAt: iso(2),
    });
    apply(`registrations-${sale}`, 'RegistrationApproved', {
      userId: bidder,
      sellerId: seller,
      approvedAt: iso(2),
    });
    expect(check()).toBe('accepted');
    expect(index.registrationsOf(bidder)).toMatchObject([{ saleId: sale, status: 'approved' }]);
    apply(`user-${seller}`, 'BidderBlocked', { bidderId: bidder, blockedAt: iso(3) });
    expect(check()).toBe('BIDDER_BLOCKED');
    apply(`user-${seller}`, 'BidderUnblocked', { bidderId: bidder, unblockedAt: iso(4) });
    expect(check()).toBe('accepted');
    apply(`user-${bidder}`, 'UserSuspended', { adminId: admin, reason: 'x', suspendedAt: iso(5) });
    expect(check()).toBe('ACCOUNT_SUSPENDED');
    apply(`user-${bidder}`, 'UserReinstated', { adminId: admin, reason: null, reinstatedAt: iso(6) });
    expect(check()).toBe('accepted');
  });

  it('a lot created with requiresApproval needs it even before the index knows its sale', () => {
    const strict = evolveAll([
      auctionCreated({ sellerId: seller, saleId: sale, lotNumber: 1, requiresApproval: true }),
    ]);
    expect(code(() => checkEligible(createAccessIndex().eligibility(bidder), strict as Auction))).toBe(
      'BIDDER_NOT_APPROVED',
    );
  });
});
