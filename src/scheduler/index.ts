/**
 * Closing on time: a reactor on the log plans a delayed BullMQ job at each auction's end, a
 * worker sends CloseAuction through the command handler, and a sweep closes whatever was missed.
 */
export * from './auction/closeWorker';
export * from './auction/closingReactor';
export * from './closeDelayMetric';
