// A viewer (src/watcher's openWatchSession) as a test drives it: its own home and trust files,
// trust-on-first-use answered yes as a user would, output rendered in @xterm/headless, every
// state and every terminal event (replies, title, clipboard, links) recorded.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openWatchSession } from '../../src/watcher';
import { WatchSession, WatchState } from '../../src/watcher/types';
import { Screen, waitFor } from './screen';

let homes = 0;
export interface Watcher {
  session: WatchSession;
  screen: Screen;
  states: WatchState[];
  events: string[];
  /** The largest single piece of output handed to the terminal. */
  maxChunk: number;
  until(kind: WatchState['kind'], timeoutMs?: number): Promise<WatchState>;
  text(): Promise<string>;
  knownHosts: string;
}

/** A viewer with its own empty trust files; it trusts a new key when asked (TOFU), as a user would. */
export function startWatcher(root: string, cleanups: Array<() => void>, port: number, options: { knownHostsLine?: string; user?: string } = {}): Watcher {
  const home = join(root, `home-${++homes}`);
  const knownHosts = join(home, 'known_hosts');
  mkdirSync(home, { recursive: true });
  writeFileSync(knownHosts, options.knownHostsLine ?? '');
  const screen = new Screen(80, 24);
  const states: WatchState[] = [];
  const events: string[] = [];
  screen.term.onData((d) => events.push(`reply ${JSON.stringify(d)}`));
  screen.term.onBinary((d) => events.push(`binary reply ${JSON.stringify(d)}`));
  screen.term.onTitleChange((t) => events.push(`title ${t}`));
  screen.term.parser.registerOscHandler(52, (d) => (events.push(`osc52 ${d}`), true));
  screen.term.parser.registerOscHandler(8, (d) => (events.push(`osc8 ${d}`), false));
  const viewer: Watcher = {
    session: openWatchSession(
      { label: 'test', host: '127.0.0.1', port, user: options.user ?? 'guest', identityFiles: [] },
      { confirmNewHostKey: async () => true, askSecret: async () => '' },
      { cols: 80, rows: 24, home, hostKeyStorePath: join(home, 'store'), knownHostsFiles: [knownHosts], agentSocket: null, reconnect: { initialMs: 100, maxMs: 300, stableMs: 60_000 } },
    ),
    screen,
    states,
    events,
    maxChunk: 0,
    knownHosts,
    until: (kind, timeoutMs = 15_000) => waitFor(`state ${kind}: ${JSON.stringify(states)}`, () => states.slice().reverse().find((s) => s.kind === kind), timeoutMs).then((s) => s!),
    text: () => screen.settledText(),
  };
  viewer.session.onOutput((d) => {
    viewer.maxChunk = Math.max(viewer.maxChunk, d.length);
    screen.feed(d);
  });
  viewer.session.onState((s) => states.push(s));
  cleanups.push(() => {
    viewer.session.close();
    screen.dispose();
  });
  return viewer;
}


export async function screenShows(viewer: Watcher, text: string, timeoutMs = 60_000): Promise<void> {
  await waitFor(`"${text}" on the viewer's screen`, async () => (await viewer.text()).includes(text), timeoutMs, 200).catch(async (e: Error) => {
    throw new Error(`${e.message}\nstates: ${JSON.stringify(viewer.states)}\nScreen was:\n${await viewer.text()}`);
  });
}
