import { auctionViewSchema } from '../auction';
import { saleViewSchema } from '../sales';
import { bidReplySchema, commandReplySchema } from '../commands';
import type { NamedSchema } from '../platform';
import { publicEventSchema, publicEventSchemas } from '../projections';
import {
  auctionListSchema,
  bidListSchema,
  bidSchema,
  myBidsSchema,
  streamEventsSchema,
  notificationPageSchema,
  notificationSchema,
  watchlistPageSchema,
} from '../read-api';

const eventComponent = (type: string) => `${type}Event`;

/**
 * The schemas the OpenAPI document names (generated clients get a type of each): wherever a
 * route's schema uses one of these very objects, the document refers to it by name.
 */
export const namedSchemas: NamedSchema[] = [
  { name: 'AuctionView', schema: auctionViewSchema },
  { name: 'AuctionPage', schema: auctionListSchema },
  { name: 'Bid', schema: bidSchema },
  { name: 'BidPage', schema: bidListSchema },
  { name: 'MyBidPage', schema: myBidsSchema },
  { name: 'CommandReply', schema: commandReplySchema },
  { name: 'Notification', schema: notificationSchema },
  { name: 'NotificationPage', schema: notificationPageSchema },
  { name: 'WatchlistPage', schema: watchlistPageSchema },
  { name: 'BidReply', schema: bidReplySchema },
  { name: 'SaleView', schema: saleViewSchema },
  {
    name: 'PublicEvent',
    schema: publicEventSchema,
    extra: {
      discriminator: {
        propertyName: 'type',
        mapping: Object.fromEntries(
          Object.keys(publicEventSchemas).map((type) => [
            type,
            `#/components/schemas/${eventComponent(type)}`,
          ]),
        ),
      },
    },
  },
  ...Object.entries(publicEventSchemas).map(([type, schema]) => ({ name: eventComponent(type), schema })),
  { name: 'AuctionEvents', schema: streamEventsSchema },
];
