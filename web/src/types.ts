/** The API's types, generated from /openapi.json (no code: the unit tests import it as it is). */
import type { components, paths } from './generated/api';

export type { paths };
export type Schemas = components['schemas'];
export type AuctionView = Schemas['AuctionView'];
export type Bid = Schemas['Bid'];
export type Notification = Schemas['Notification'];
/** A refused request as the API describes it (application/problem+json). */
export type Problem = Schemas['Problem'] & { minimumBid?: number };
/** The JSON a route answers with 200. */
export type Reply<P extends keyof paths, M extends 'get' | 'post'> = paths[P][M] extends {
  responses: { 200: { content: { 'application/json': infer T } } };
}
  ? T
  : never;
export type SaleView = Schemas['SaleView'];
/** A bidder's registration for a sale that requires approval. */
export type Registration = Reply<'/me/registrations', 'get'>['items'][number];
/** An entry of an admin's history of a user. */
export type HistoryItem = Reply<'/admin/users/{id}/history', 'get'>['items'][number];
/** An invoice, as its buyer, its seller and admins see it (with checkout details). */
export type Invoice = Reply<'/invoices/{id}', 'get'>;
/** An invoice in a list (checkout details are opened on the invoice alone). */
export type InvoiceItem = Reply<'/me/invoices', 'get'>['items'][number];
/** A second chance offer made to the signed-in bidder. */
export type Offer = Reply<'/me/offers', 'get'>['items'][number];
