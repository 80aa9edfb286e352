// Why a watcher could not reach a host, in words a person reads in a one-line footer.

/** The host could not be reached; `code` is the socket error's ("ECONNREFUSED", "ENOTFOUND"…). */
export class NetworkError extends Error {
  override name = 'NetworkError';
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

/**
 * A socket error in words a person reads in a one-line footer ("nothing is listening on
 * 127.0.0.1:2299"), not Node's ("connect ECONNREFUSED 127.0.0.1:2299"). Unknown codes keep
 * Node's text after "cannot reach".
 */
export function describeNetworkError(code: string | undefined, host: string, where: string, raw: string): string {
  switch (code) {
    case 'ECONNREFUSED':
      return `nothing is listening on ${where}`;
    case 'ENOTFOUND':
      return `no host named ${host} was found`;
    case 'EAI_AGAIN':
      return `the name ${host} could not be looked up (no DNS answer)`;
    case 'ETIMEDOUT':
      return `${where} did not answer`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `${host} cannot be reached from this network`;
    case 'ECONNRESET':
      return `${where} dropped the connection`;
    default:
      return `cannot reach ${where}: ${raw}`;
  }
}
