/**
 * The shape of a REST listener URI (`listeners`, `admin.listeners`): `http://host:port`, `https://[::1]:8443`,
 * `http://:8083` (empty host: every interface). Checked where the worker config is validated and where the REST
 * server binds (src/rest/config.ts), with the same reason.
 */
export const LISTENER_URI = /^(https?):\/\/(\[[^\]]*\]|[^:/]*)(?::(\d+))?\/?$/i;

/** Why `uri` is not a listener, or undefined when it is one. */
export function listenerUriProblem(uri: string): string | undefined {
  const m = LISTENER_URI.exec(uri.trim());
  if (!m) return `invalid listener "${uri}" (expected http://host:port or https://host:port)`;
  if (m[3] !== undefined && Number(m[3]) > 65535) return `invalid port in listener "${uri}"`;
  return undefined;
}
