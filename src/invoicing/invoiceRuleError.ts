export type InvoiceRuleCode =
  | 'INVOICE_NOT_FOUND'
  | 'NOT_SELLER'
  | 'NOT_BUYER'
  | 'INVOICE_PAID'
  | 'INVOICE_VOID'
  | 'INVOICE_NOT_OVERDUE'
  | 'OVERPAYMENT'
  | 'SECOND_CHANCE_NOT_AVAILABLE'
  | 'NO_CANDIDATES'
  | 'OFFER_NOT_FOUND'
  | 'NOT_OFFERED_TO_YOU'
  | 'OFFER_NOT_OPEN'
  | 'OFFER_EXPIRED';

/** A command refused by the rules after the hammer: an expected outcome with a stable code. */
export class InvoiceRuleError extends Error {
  constructor(
    readonly code: InvoiceRuleCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'InvoiceRuleError';
  }
}
