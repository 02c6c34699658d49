import type { AuctionChange } from '../projections';
import type { GatewayDeps } from '../realtime';

/** What tests and benchmarks may set beyond the configuration. */
export interface StartOptions {
  /** Lease time-to-live and heartbeat of the projections (tests shorten them). */
  leaseTtlSeconds?: number;
  heartbeatMs?: number;
  /** The pauses before a projection tries again an event it could not apply (tests shorten them). */
  projectionRetryDelaysMs?: number[];
  onChanges?(changes: AuctionChange[], position: string): void;
  onProjectionLag?(lagsMs: number[]): void;
  websocketLimits?: GatewayDeps['limits'];
  /** How long the suspensions' process manager waits for a suspension to reach every instance. */
  suspensionPropagationMs?: number;
}
