/**
 * What to tell the user when the TLS handshake with the engine fails. On Docker's TLS port the usual cause
 * is the certificates; on any other port it is as often the port itself: 2377 (the swarm's own port, a
 * manager's address copied from `docker swarm join`) speaks TLS too, with the swarm's CA, so it fails as
 * a certificate problem although no certificate is wrong.
 */

/** The port Docker's TLS API listens on by convention (dockerd -H tcp://0.0.0.0:2376 --tlsverify). */
export const DOCKER_TLS_PORT = 2376;

/** Docker's other well-known ports: what they are instead of the TLS API. */
const OTHER_PORTS: Record<number, string> = {
  2375: "Docker's plain-HTTP API port (no TLS)",
  2377: "Docker Swarm's cluster-management port (how nodes join and talk to managers), not the Docker API",
  7946: "Docker Swarm's node-discovery port, not the Docker API",
  4789: "Docker Swarm's overlay-network (VXLAN) port, not the Docker API",
};

const CERTIFICATES =
  "Check that the CA signed the engine's certificate and that the client certificate and key belong together.";

/** The port of a tcp:// or https:// URL; without one, the TLS default (as resolveConnection assumes). */
export function portOf(url: string): number | undefined {
  const m = /^(?:tcp|https?):\/\/(?:\[[^\]]+\]|[^:/]+)(?::(\d+))?/.exec(url);
  if (!m) return undefined;
  return m[1] ? Number(m[1]) : DOCKER_TLS_PORT;
}

/** The message for a failed handshake with `url`; `why` is Node's code or reason (e.g. UNABLE_TO_VERIFY_LEAF_SIGNATURE). */
export function tlsHandshakeMessage(url: string, why: string): string {
  const head = `TLS handshake with ${url} failed (${why}).`;
  // The CA and the key pair are fine here: the certificate names other hosts than the one asked for.
  if (why === 'ERR_TLS_CERT_ALTNAME_INVALID')
    return (
      `${head} The engine's certificate is not issued for ${hostOf(url)}: use a host name or address its ` +
      'subjectAltName lists (openssl x509 -noout -ext subjectAltName -in the server certificate shows them), or ' +
      'reissue the certificate with this one.'
    );
  const port = portOf(url);
  if (port === undefined || port === DOCKER_TLS_PORT) return `${head} ${CERTIFICATES}`;
  const known = OTHER_PORTS[port];
  const portText = known
    ? `Port ${port} is ${known}: the engine's TLS API is usually on ${DOCKER_TLS_PORT}, e.g. ${withPort(url, DOCKER_TLS_PORT)}.`
    : `Is port ${port} the engine's TLS API (dockerd -H tcp://0.0.0.0:PORT --tlsverify)? It is usually ${DOCKER_TLS_PORT}.`;
  return `${head} ${portText} If that is the right port: ${lowerFirst(CERTIFICATES)}`;
}

function hostOf(url: string): string {
  return /^(?:tcp|https?):\/\/(\[[^\]]+\]|[^:/]+)/.exec(url)?.[1] ?? url;
}

function withPort(url: string, port: number): string {
  return url.replace(/^((?:tcp|https?):\/\/(?:\[[^\]]+\]|[^:/]+))(?::\d+)?/, `$1:${port}`);
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}
