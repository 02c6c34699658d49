import type { Knex } from 'knex';
import { READ_MODEL_SCHEMA } from '../../projections';

/** The open auctions a user has bids on, from the read model (the suspensions' process manager asks). */
export const getOpenAuctionsOfBidder = (knex: Knex) => (userId: string) =>
  knex(`${READ_MODEL_SCHEMA}.user_bids as ub`)
    .join(`${READ_MODEL_SCHEMA}.auctions as a`, 'a.auction_id', 'ub.auction_id')
    .where({ 'ub.user_id': userId, 'a.status': 'active' })
    .pluck<string[]>('ub.auction_id');
