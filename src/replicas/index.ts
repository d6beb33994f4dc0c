/** Replicas sharing one database: how many are alive (heartbeats through the store). */
export {
  ReplicaHeartbeat,
  HEARTBEAT_INTERVAL_MS,
  HEARTBEAT_TTL_MS,
  type ReplicaHeartbeatOptions,
} from './replica-heartbeat';
