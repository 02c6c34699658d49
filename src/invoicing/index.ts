/**
 * After the hammer, pure: invoices (the buyer's premium, payments, the deadline, checkout details
 * sealed per user) and second chance offers, their events, deciders and folds. No I/O.
 */
export { type Candidate, secondChanceCandidates } from './candidates';
export {
  foldInvoice,
  type Invoice,
  type InvoiceCommand,
  invoiceDecider,
  invoiceIdOfStream,
  type InvoiceStatus,
  invoiceStreamId,
  invoiceStreamType,
  type InvoiceTerms,
  type Payment,
} from './invoiceDecider';
export {
  type InvoiceEvent,
  invoiceEventSchemas,
  type InvoiceIssued,
  type InvoiceOverdue,
  isInvoiceEventType,
  isOfferEventType,
  type OfferAccepted,
  type OfferEvent,
  offerEventSchemas,
  type OfferExpired,
  type OfferMade,
  PAYMENT_METHODS,
  type PaymentMethod,
  type Sealed,
  type SecondChanceStarted,
} from './invoiceEvents';
export { type InvoiceRuleCode, InvoiceRuleError } from './invoiceRuleError';
export {
  auctionIdOfOffers,
  currentOffer,
  foldSecondChance,
  type Offer,
  type OfferCommand,
  offerDecider,
  type OfferStatus,
  offersStreamId,
  offerStreamType,
  type SecondChance,
  type SecondChanceTerms,
} from './offerDecider';
export { buyersPremium } from './premium';
export {
  type CheckoutDetails,
  checkoutDetailsSchema,
  invoiceViewSchema,
  type InvoiceView,
  offerViewSchema,
  toInvoiceView,
  toOfferView,
} from './invoiceView';
