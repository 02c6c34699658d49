import type Redis from 'ioredis';
import { followChannel } from '../changeFeed';
import type { Notification } from '../../notifications';

/** New notifications, for every instance: each with the user it is for. */
export interface NotificationMessage {
  notifications: Array<{ userId: string; seq: string; notification: Notification }>;
}

export const notificationChannel = (prefix: string) => `${prefix}notifications`;

export async function publishNotifications(redis: Redis, prefix: string, message: NotificationMessage) {
  await redis.publish(notificationChannel(prefix), JSON.stringify(message));
}

/** Follows the notification channel; on a reset, subscribers read the table again. */
export const subscribeNotifications = (
  redisUrl: string,
  prefix: string,
  handlers: { onMessage(message: NotificationMessage): void; onReset(): void },
) => followChannel(redisUrl, notificationChannel(prefix), handlers);
