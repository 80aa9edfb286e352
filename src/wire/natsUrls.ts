// NATS server lists as hosts (--relay) and relays (--nats) give them: "nats://HOST:PORT" comma-separated.

/** The URLs, checked; the error names the option and shows a good value. */
export function parseNatsUrls(text: string, option: string): string[] {
  const urls = text.split(',').map((u) => u.trim()).filter(Boolean);
  if (!urls.length) throw new Error(`${option} needs at least one NATS URL, e.g. nats://127.0.0.1:4222.`);
  for (const url of urls) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new Error(`${option}: "${url}" is not a URL. Give nats://HOST:PORT (several separated by commas).`);
    }
    if (!['nats:', 'tls:'].includes(parsed.protocol) || !parsed.hostname) throw new Error(`${option}: "${url}" is not a NATS URL. Give nats://HOST:PORT (several separated by commas).`);
  }
  return urls;
}
