/**
 * After the hammer, pure: the buyer's premium (a property test against exact rational
 * arithmetic), the invoice's decider, the second chance's decider and its candidates, and the
 * strikes in the user stream. No I/O, no mocks.
 */
import fc from 'fast-check';
import { accountDecider, PLATFORM_ADMIN_ID } from '../../src/bidders';
import {
  buyersPremium,
  invoiceDecider,
  offerDecider,
  secondChanceCandidates,
  type InvoiceEvent,
  type InvoiceTerms,
  type OfferEvent,
  type SecondChanceTerms,
} from '../../src/invoicing';
import { at, iso } from '../support/auctionFixtures';
import { deciderSpec } from '../support/deciderSpec';

const U = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const seller = U(1);
const buyer = U(2);
const admin = U(3);
const ann = U(4);
const bob = U(5);
const xav = U(6);
const auction = U(7);
const invoiceId = U(8);

describe("the buyer's premium", () => {
  it('is hammer x percent / 100, rounded half up to the minor unit, for any amount and percent of two decimals', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1e13 }),
        fc.integer({ min: 0, max: 5000 }),
        (hammer, basisPoints) => {
          const percent = basisPoints / 100;
          const premium = buyersPremium(hammer, percent);
          // Exact: premium is the integer nearest hammer * bp / 10000, a half going up.
          const scaled = BigInt(hammer) * BigInt(basisPoints);
          const floor = scaled / 10000n;
          const remainder = scaled % 10000n;
          expect(BigInt(premium)).toBe(remainder >= 5000n ? floor + 1n : floor);
          expect(Number.isSafeInteger(premium)).toBe(true);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('rounds the halves up and refuses what the contract does not allow', () => {
    expect(buyersPremium(1005, 12.5)).toBe(126); // 125.625
    expect(buyersPremium(100, 0.5)).toBe(1); // 0.5
    expect(buyersPremium(99, 0.5)).toBe(0); // 0.495
    expect(buyersPremium(2000, 17.25)).toBe(345);
    expect(buyersPremium(0, 25)).toBe(0);
    expect(buyersPremium(10_000, 12.344)).toBe(1234); // a log from before the two-decimal check: 12.34%
    expect(() => buyersPremium(100, 50.01)).toThrow(RangeError);
    expect(() => buyersPremium(-1, 10)).toThrow(RangeError);
  });
});

describe('an invoice', () => {
  const given = deciderSpec(invoiceDecider);
  const terms: InvoiceTerms = {
    invoiceId,
    auctionId: auction,
    saleId: null,
    offerId: null,
    buyerId: buyer,
    sellerId: seller,
    currency: 'EUR',
    hammerPrice: 1000,
    buyersPremiumPercent: 12.5,
    soldAt: iso(0),
    paymentDueSeconds: 60,
  };
  const issued: InvoiceEvent = {
    type: 'InvoiceIssued',
    data: {
      invoiceId,
      auctionId: auction,
      saleId: null,
      offerId: null,
      buyerId: buyer,
      sellerId: seller,
      currency: 'EUR',
      hammerPrice: 1000,
      buyersPremiumPercent: 12.5,
      buyersPremium: 125,
      total: 1125,
      dueAt: iso(60),
      issuedAt: iso(1),
    },
  };
  const pay = (amount: number, paymentId = U(100 + amount), by = { userId: seller, admin: false }) => ({
    type: 'RecordPayment' as const,
    data: { paymentId, amount, method: 'cash' as const, reference: null, by },
    now: at(2),
  });
  const paid = (amount: number, paymentId = U(100 + amount), recordedBy = seller): InvoiceEvent => ({
    type: 'PaymentRecorded',
    data: { paymentId, amount, method: 'cash', reference: null, recordedBy, recordedAt: iso(2) },
  });
  const overdue: InvoiceEvent = {
    type: 'InvoiceOverdue',
    data: { buyerId: buyer, dueAt: iso(60), overdueAt: iso(60) },
  };

  it('is issued once, with its premium and its deadline counted from the sale', () => {
    given([])
      .when({ type: 'IssueInvoice', data: terms, now: at(1) })
      .then([issued]);
    given([issued])
      .when({ type: 'IssueInvoice', data: terms, now: at(5) })
      .then([]);
  });

  it('takes payments up to its total from the seller or an admin, each once, and is paid at the total', () => {
    given([issued])
      .when(pay(125))
      .then([paid(125)]);
    given([issued, paid(125)])
      .when(pay(125))
      .then([]); // the same payment again
    given([issued, paid(125)])
      .when(pay(1000))
      .then([paid(1000), { type: 'InvoicePaid', data: { paidAt: iso(2) } }]);
    given([issued]).when(pay(1126)).thenRefuses('OVERPAYMENT');
    given([issued, paid(125)])
      .when(pay(1001))
      .thenRefuses('OVERPAYMENT');
    given([issued])
      .when(pay(10, U(9), { userId: buyer, admin: false }))
      .thenRefuses('NOT_SELLER');
    given([issued])
      .when(pay(10, U(9), { userId: admin, admin: true }))
      .then([paid(10, U(9), admin)]);
    given([issued, paid(1125), { type: 'InvoicePaid', data: { paidAt: iso(2) } }])
      .when(pay(1))
      .thenRefuses('INVOICE_PAID');
    given([]).when(pay(1)).thenRefuses('INVOICE_NOT_FOUND');
  });

  it('turns overdue at its deadline, not before, once; only an overdue one is voided', () => {
    given([issued])
      .when({ type: 'MarkOverdue', now: at(59) })
      .then([]);
    given([issued])
      .when({ type: 'MarkOverdue', now: at(60) })
      .then([overdue]);
    given([issued, overdue])
      .when({ type: 'MarkOverdue', now: at(70) })
      .then([]);
    given([issued, paid(1125), { type: 'InvoicePaid', data: { paidAt: iso(2) } }])
      .when({ type: 'MarkOverdue', now: at(70) })
      .then([]);
    given([issued, overdue])
      .when(pay(1125))
      .then([paid(1125), { type: 'InvoicePaid', data: { paidAt: iso(2) } }]);
    const voided: InvoiceEvent = {
      type: 'InvoiceVoided',
      data: { reason: 'second_chance', voidedAt: iso(3) },
    };
    given([issued])
      .when({ type: 'VoidInvoice', data: { reason: 'second_chance' }, now: at(3) })
      .thenRefuses('INVOICE_NOT_OVERDUE');
    given([issued, overdue])
      .when({ type: 'VoidInvoice', data: { reason: 'second_chance' }, now: at(3) })
      .then([voided]);
    given([issued, overdue, voided]).when(pay(1)).thenRefuses('INVOICE_VOID');
  });

  it("takes the buyer's sealed checkout details, from the buyer only", () => {
    const details = { userId: buyer, iv: 'aXY=', tag: 'dGFn', ciphertext: 'Y2lwaGVy' };
    given([issued])
      .when({ type: 'ProvideCheckout', data: { buyerId: buyer, details }, now: at(4) })
      .then([{ type: 'CheckoutDetailsProvided', data: { details, providedAt: iso(4) } }]);
    given([issued])
      .when({ type: 'ProvideCheckout', data: { buyerId: seller, details }, now: at(4) })
      .thenRefuses('NOT_BUYER');
  });
});

describe('a second chance', () => {
  const given = deciderSpec(offerDecider);
  const terms: SecondChanceTerms = {
    auctionId: auction,
    sellerId: seller,
    currency: 'EUR',
    saleId: null,
    reason: 'invoice_overdue',
    invoiceId,
    candidates: [
      { bidderId: xav, amount: 1100 },
      { bidderId: ann, amount: 1000 },
    ],
  };
  const started: OfferEvent = { type: 'SecondChanceStarted', data: { ...terms, startedAt: iso(0) } };
  const made = (offerId: string, bidderId: string, amount: number, when: number): OfferEvent => ({
    type: 'OfferMade',
    data: { offerId, bidderId, amount, expiresAt: iso(when + 10), madeAt: iso(when) },
  });
  const start = {
    type: 'StartSecondChance' as const,
    data: { terms, by: seller, offerId: U(50), offerTtlSeconds: 10 },
    now: at(0),
  };

  it('starts once, by the seller, with an offer to the first candidate', () => {
    given([])
      .when(start)
      .then([started, made(U(50), xav, 1100, 0)]);
    given([started, made(U(50), xav, 1100, 0)])
      .when(start)
      .then([]);
    given([])
      .when({ ...start, data: { ...start.data, by: ann } })
      .thenRefuses('NOT_SELLER');
    given([])
      .when({ ...start, data: { ...start.data, terms: { ...terms, candidates: [] } } })
      .thenRefuses('NO_CANDIDATES');
  });

  it('goes to the next on a decline or an expiry, and ends when nobody is left', () => {
    const history = [started, made(U(50), xav, 1100, 0)];
    const next = { nextOfferId: U(51), offerTtlSeconds: 10 };
    given(history)
      .when({ type: 'DeclineOffer', data: { offerId: U(50), bidderId: xav, ...next }, now: at(5) })
      .then([
        { type: 'OfferDeclined', data: { offerId: U(50), bidderId: xav, declinedAt: iso(5) } },
        made(U(51), ann, 1000, 5),
      ]);
    given(history)
      .when({ type: 'ExpireOffer', data: { offerId: U(50), ...next }, now: at(9) })
      .then([]);
    given(history)
      .when({ type: 'ExpireOffer', data: { offerId: U(50), ...next }, now: at(10) })
      .then([
        { type: 'OfferExpired', data: { offerId: U(50), bidderId: xav, expiredAt: iso(10) } },
        made(U(51), ann, 1000, 10),
      ]);
    const last = [
      ...history,
      { type: 'OfferDeclined' as const, data: { offerId: U(50), bidderId: xav, declinedAt: iso(5) } },
      made(U(51), ann, 1000, 5),
    ];
    given(last)
      .when({
        type: 'ExpireOffer',
        data: { offerId: U(51), nextOfferId: U(52), offerTtlSeconds: 10 },
        now: at(15),
      })
      .then([
        { type: 'OfferExpired', data: { offerId: U(51), bidderId: ann, expiredAt: iso(15) } },
        { type: 'SecondChanceEnded', data: { endedAt: iso(15) } },
      ]);
  });

  it('is accepted by its bidder only, before it expires; answering again the same records nothing', () => {
    const history = [started, made(U(50), xav, 1100, 0)];
    const accept = (bidderId: string, when: number) => ({
      type: 'AcceptOffer' as const,
      data: { offerId: U(50), bidderId },
      now: at(when),
    });
    const accepted: OfferEvent = {
      type: 'OfferAccepted',
      data: { offerId: U(50), bidderId: xav, acceptedAt: iso(3) },
    };
    given(history).when(accept(xav, 3)).then([accepted]);
    given([...history, accepted])
      .when(accept(xav, 4))
      .then([]);
    given(history).when(accept(ann, 3)).thenRefuses('NOT_OFFERED_TO_YOU');
    given(history).when(accept(xav, 10)).thenRefuses('OFFER_EXPIRED');
    given(history)
      .when({ ...accept(xav, 3), data: { offerId: U(99), bidderId: xav } })
      .thenRefuses('OFFER_NOT_FOUND');
    given([
      ...history,
      { type: 'OfferDeclined', data: { offerId: U(50), bidderId: xav, declinedAt: iso(1) } },
    ])
      .when(accept(xav, 3))
      .thenRefuses('OFFER_NOT_OPEN');
  });

  it('is offered to each other bidder once, at their highest standing bid, highest first', () => {
    const placed = (bidId: number, bidderId: string, amount: number) => ({
      type: 'BidPlaced',
      data: { bidId: U(bidId), bidderId, amount },
    });
    const events = [
      placed(10, ann, 1000),
      placed(11, xav, 1100),
      placed(12, ann, 1200),
      placed(13, bob, 1300),
      placed(14, buyer, 1400),
      {
        type: 'BidCancelled',
        data: { bidIds: [U(13)], removedBidIds: [U(13)], placedBids: [] },
      },
    ];
    expect(secondChanceCandidates(events, buyer)).toEqual([
      { bidderId: ann, amount: 1200 },
      { bidderId: xav, amount: 1100 },
    ]);
    expect(secondChanceCandidates([placed(1, ann, 1000), placed(2, xav, 1000)], null)).toEqual([
      { bidderId: ann, amount: 1000 },
      { bidderId: xav, amount: 1000 },
    ]);
  });
});

describe('strikes', () => {
  const given = deciderSpec(accountDecider);
  const strike = (invoice: string, maxStrikes = 3) => ({
    type: 'RecordStrike' as const,
    data: { invoiceId: invoice, maxStrikes },
    now: at(0),
  });
  const struck = (invoice: string, strikes: number) => ({
    type: 'StrikeRecorded' as const,
    data: { invoiceId: invoice, strikes, recordedAt: iso(0) },
  });

  it('are one per overdue invoice, and the one that reaches MAX_STRIKES suspends by the platform', () => {
    given([])
      .when(strike(U(20)))
      .then([struck(U(20), 1)]);
    given([struck(U(20), 1)])
      .when(strike(U(20)))
      .then([]);
    given([struck(U(20), 1), struck(U(21), 2)])
      .when(strike(U(22)))
      .then([
        struck(U(22), 3),
        {
          type: 'UserSuspended',
          data: {
            adminId: PLATFORM_ADMIN_ID,
            reason: '3 invoices left unpaid past their deadline',
            suspendedAt: iso(0),
          },
        },
      ]);
    given([])
      .when(strike(U(20), 1))
      .then([
        struck(U(20), 1),
        {
          type: 'UserSuspended',
          data: {
            adminId: PLATFORM_ADMIN_ID,
            reason: '1 invoices left unpaid past their deadline',
            suspendedAt: iso(0),
          },
        },
      ]);
  });

  it('an erased account is erased once and never reinstated', () => {
    const erased = { type: 'AccountErased' as const, data: { erasedAt: iso(0) } };
    given([])
      .when({ type: 'EraseAccount', now: at(0) })
      .then([erased]);
    given([erased])
      .when({ type: 'EraseAccount', now: at(1) })
      .then([]);
    given([erased])
      .when({ type: 'ReinstateUser', data: { adminId: admin, reason: null }, now: at(1) })
      .thenRefuses('ACCOUNT_ERASED');
  });
});
