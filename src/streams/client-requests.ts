/**
 * The seam through which the worker chooses each Kafka client's settings (Kafka Connect's precedence of worker
 * keys, `producer.`/`consumer.`/`admin.` prefixes and connector overrides lives in the worker, which the streams
 * layer does not import). The transport and the DLQ ask before they open a client.
 */
import type { ClientProperties } from './kafka/client.js';
import type { ClientRole } from './kafka/client-settings.js';

export interface ClientRequest {
  readonly role: ClientRole;
  /** 'task': a source's producer or topic admin, a sink's consumer; 'dlq': a DLQ producer or admin; 'worker': the worker's admin. */
  readonly purpose: 'task' | 'dlq' | 'worker';
  readonly connector?: string;
  /** The pipeline's config (connector config over task config); absent for the worker's admin. */
  readonly config?: Readonly<Record<string, unknown>>;
  /** Kafka Connect's client id for this client (the transport's prefix included). */
  readonly clientId: string;
  /** Sink consumers: Kafka Connect's group, `connect-<connector>`. */
  readonly groupId?: string;
}

export interface ClientChoice {
  readonly clientId: string;
  /** Sink consumers: the group (`consumer.override.group.id` may change it). */
  readonly groupId?: string;
  /** Absent: the client factory's defaults for the role. */
  readonly properties?: ClientProperties;
}

export type ClientChooser = (request: ClientRequest) => ClientChoice;

/** No worker settings: Kafka Connect's ids and the client factory's defaults. */
export const defaultClientChooser: ClientChooser = (r) => ({
  clientId: r.clientId,
  ...(r.groupId !== undefined ? { groupId: r.groupId } : {}),
});
