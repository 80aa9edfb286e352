// The line a guest types to watch through a relay, and the NATS address as shown (never with
// credentials in it).
import { webPaths } from '../../wire/webGuestProtocol';

/** `ssh -p PORT <id>@HOST` for a relay at "host:port"; a placeholder when no relay was heard of yet. */
export function relayWatchLine(id: string, relaySsh: string | undefined): string {
  if (!relaySsh) return `ssh -p PORT ${id}@RELAY   (any relay on the same NATS)`;
  const m = /^(.*):(\d+)$/.exec(relaySsh);
  if (!m) return `ssh ${id}@${relaySsh}`;
  const host = m[1];
  return m[2] === '22' ? `ssh ${id}@${host}` : `ssh -p ${m[2]} ${id}@${host}`;
}

/** The browser link through a relay at `origin` ("http(s)://host:port"), as the host's own link is made (/w/<id>/); '' without one. */
export function relayWebLink(id: string, origin: string | undefined): string {
  return origin ? `${origin}${webPaths(id).page}` : '';
}

/**
 * The same relay as a watcher target (`guest-broadcast watch`, VS Code's Watch host): `ID@HOST:PORT`
 * from a line relayWatchLine made; undefined while no relay was heard of (the placeholder line).
 */
export function relayWatchTarget(line: string): string | undefined {
  const m = /^ssh (?:-p (\d+) )?([A-Za-z0-9_-]+)@(\S+)$/.exec(line);
  if (!m) return undefined;
  const host = m[3].includes(':') && !m[3].startsWith('[') ? `[${m[3]}]` : m[3];
  return `${m[2]}@${host}${m[1] ? `:${m[1]}` : ''}`;
}

/** A NATS URL list without user names, passwords or tokens. */
export function shownNatsUrls(urls: readonly string[]): string {
  return urls.map((u) => u.replace(/\/\/[^@/]*@/, '//')).join(',');
}
