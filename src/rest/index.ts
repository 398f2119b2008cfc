/** The Kafka Connect-compatible REST API and /metrics (see README.md in this folder). */
export { RestServer, isJsonContentType, type RestServerOptions } from './server.js';
export type { RestHerder } from './resources.js';
export {
  BASIC_AUTH_EXTENSION,
  DEFAULT_LISTENER,
  REST_KEYS,
  RestConfigError,
  checkExposure,
  isLoopbackAddress,
  isLoopbackHost,
  parseListener,
  parseRestSettings,
  type Listener,
  type RestSettings,
} from './config.js';
export { BasicAuth } from './basic-auth.js';
export { ConnectorStore, connectorsFileFor, type StoredConnector } from './connector-store.js';
export { LoggerLevels, type LoggerLevel } from './loggers.js';
export { MetricsCollector, RateWindow } from './metrics.js';
export { formatExposition, parseExposition, EXPOSITION_CONTENT_TYPE, type MetricFamily } from './exposition.js';
export { Router, type RouteMatch } from './router.js';
export { RestError, toRestError } from './errors.js';
