/**
 * Closing on time: a reactor on the log plans a delayed BullMQ job at each auction's end, a
 * worker sends CloseAuction through the command handler, and a sweep closes whatever was missed.
 * The sales' process manager keeps each sale's lots in turn (created, pushed, recorded, closed in order).
 */
export { bullConnection, SCHEDULER_QUEUE, startCloseWorker } from './auction/closeWorker';
export {
  type CloseJobData,
  closingReactor,
  endingSoonJobId,
  SCHEDULER_PROJECTION,
} from './auction/closingReactor';
export { closeDelayMetric } from './closeDelayMetric';
export { closeInTurn, SALE_PROCESS, saleProcess } from './sales/saleProcess';
export { SUSPENSION_PROCESS, suspensionProcess } from './bidders/suspensionProcess';
export {
  AFTER_HAMMER_PROCESS,
  AFTER_HAMMER_QUEUE,
  afterHammerProcess,
  type DeadlineJobData,
} from './invoicing/afterHammerProcess';
export { type DueDeadlines, startDeadlineWorker } from './invoicing/deadlineWorker';
