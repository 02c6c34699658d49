import type { AuctionView } from '../auction';
import type { NotificationRow } from './notificationRules';

/** What a client is sent: the notification and its cursor (to resume after it). */
export interface Notification {
  notificationId: string;
  kind: NotificationRow['kind'];
  auctionId: string;
  auction: AuctionView;
  at: string;
  cursor: string;
}

/** Opaque to clients: a notification's place in the table's order. */
export const encodeNotificationCursor = (seq: string) => Buffer.from(`n${seq}`).toString('base64url');

export function decodeNotificationCursor(cursor: string): string | undefined {
  const text = Buffer.from(cursor, 'base64url').toString();
  return /^n[1-9][0-9]{0,17}$/.test(text) ? text.slice(1) : undefined;
}

export const toNotification = (n: NotificationRow & { seq: string }): Notification => ({
  notificationId: n.notificationId,
  kind: n.kind,
  auctionId: n.auctionId,
  auction: n.auction,
  at: n.at,
  cursor: encodeNotificationCursor(n.seq),
});
