// What `status` shows, and how the server's markers are read back: an empty marker is printed
// by tmux as '' and must read as empty (system-mode status said "Guests connect to ''").
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatStatus, statusJson } from '../../src/host/status';
import { unquoteOptionValue } from '../../src/tmux/broadcastSession';

test("show-options values read back as set: bare, double-quoted with escapes, and '' for empty", () => {
  assert.equal(unquoteOptionValue("''"), '');
  assert.equal(unquoteOptionValue('127.0.0.1:2222'), '127.0.0.1:2222');
  assert.equal(unquoteOptionValue('"ssh -p 2222 guest@host"'), 'ssh -p 2222 guest@host');
  assert.equal(unquoteOptionValue('"a \\"b\\" \\$x"'), 'a "b" $x');
  assert.equal(unquoteOptionValue('"it\'s"'), "it's");
});

test('a system-mode status has no guest address line (sshd serves it), only how to watch', () => {
  const status = statusJson({ broadcasting: true, mode: 'system', socket: '/var/lib/tmux-sessions/guest', session: 'broadcast', listen: null, watch: 'ssh guest@box', viewers: [] });
  const text = formatStatus(status);
  assert.doesNotMatch(text, /Guests connect to/);
  assert.doesNotMatch(text, /No SSH server/);
  assert.match(text, /Watch with: ssh guest@box/);
  assert.equal(JSON.parse(JSON.stringify(status)).listen, null);
});

test("status's hints repeat the options the user gave: --socket when not the default, the recorded --listen of an abandoned broadcast", () => {
  const none = statusJson({ broadcasting: false, mode: 'embedded', socket: '/tmp/my dir/guest', session: '', listen: null, watch: '', viewers: [] });
  assert.match(formatStatus(none), /Start one with: guest-broadcast host --socket '\/tmp\/my dir\/guest'$/);
  const abandoned = statusJson({ broadcasting: true, mode: 'embedded', socket: '/tmp/x/guest', session: 'talk', listen: null, watch: 'ssh -p 2345 guest@127.0.0.1', viewers: [] });
  assert.match(
    formatStatus(abandoned, new Date(), { listen: '127.0.0.1:2345' }),
    /Serve it again with: guest-broadcast host --socket \/tmp\/x\/guest --session talk --listen 127\.0\.0\.1:2345, or end it with: guest-broadcast stop --socket \/tmp\/x\/guest/,
  );
  // A broadcast that had browser guests is served again with them.
  assert.match(formatStatus(abandoned, new Date(), { listen: '127.0.0.1:2345', web: '127.0.0.1:8080' }), /Serve it again with: guest-broadcast host --socket \/tmp\/x\/guest --session talk --listen 127\.0\.0\.1:2345 --web 127\.0\.0\.1:8080, or end/);
  // The default listen address needs no flag.
  assert.match(formatStatus(abandoned, new Date(), { listen: '127.0.0.1:2222' }), /Serve it again with: guest-broadcast host --socket \/tmp\/x\/guest --session talk, or end/);
});

test('with the browser route: status gives the link, --json gives {url, listen, streamUrl} (null when off), browser guests carry their route and address', () => {
  const since = new Date();
  const status = statusJson({
    broadcasting: true, mode: 'embedded', socket: '/tmp/x/guest', session: 'broadcast', listen: '127.0.0.1:2222', watch: 'ssh -p 2222 guest@127.0.0.1',
    viewers: [{ name: 'web-1', user: 'browser', address: '127.0.0.1:5000', cols: 90, rows: 25, since, route: 'web' }, { name: 'guest-1', user: 'ann', address: '127.0.0.1:5001', cols: 80, rows: 24, since }],
    web: { url: 'http://127.0.0.1:8080/w/S/', listen: '127.0.0.1:8080', streamUrl: 'ws://127.0.0.1:8080/w/S/stream' },
  });
  assert.match(formatStatus(status), /Or in a browser: http:\/\/127\.0\.0\.1:8080\/w\/S\//);
  assert.match(formatStatus(status), /browser +90x25 .* web-1 127\.0\.0\.1:5000/);
  assert.deepEqual(status.viewers[0], { name: 'web-1', user: 'browser', cols: 90, rows: 25, since: since.toISOString(), route: 'web', address: '127.0.0.1:5000' });
  assert.equal('route' in status.viewers[1], false, 'an SSH guest as before');
  const off = statusJson({ broadcasting: true, mode: 'embedded', socket: '/s', session: 'b', listen: null, watch: '', viewers: [] });
  assert.equal(off.web, null);
  assert.doesNotMatch(formatStatus(off), /browser/);
});

test('status says what is being recorded, and how to stop it on this socket; --json has "recording" (null when none)', () => {
  const base = { broadcasting: true, mode: 'embedded', socket: '/tmp/x/guest', session: 'talk', listen: '127.0.0.1:2222', watch: 'ssh -p 2222 guest@127.0.0.1', viewers: [] } as const;
  const none = statusJson(base);
  assert.equal(none.recording, null);
  assert.ok('recording' in JSON.parse(JSON.stringify(none)), 'the key is always there');
  assert.doesNotMatch(formatStatus(none), /Recording/);
  const recording = statusJson({ ...base, recording: '/home/me/talk.cast' });
  assert.equal(recording.recording, '/home/me/talk.cast');
  assert.match(formatStatus(recording), /\nRecording to \/home\/me\/talk\.cast \(stop with: guest-broadcast record --stop --socket \/tmp\/x\/guest\)\n/);
});

test('while paused, status says the line guests read (the default one when the host gave none); --json "pauseMessage" is null unless paused', () => {
  const base = { broadcasting: true, mode: 'embedded', socket: '/tmp/x/guest', session: 'talk', listen: '127.0.0.1:2222', watch: 'ssh -p 2222 guest@127.0.0.1', viewers: [] } as const;
  const live = statusJson({ ...base, pauseMessage: 'left over from an earlier pause' });
  assert.equal(live.pauseMessage, null);
  assert.ok('pauseMessage' in JSON.parse(JSON.stringify(live)), 'the key is always there');
  const paused = statusJson({ ...base, paused: true, pauseMessage: 'Lunch' });
  assert.equal(paused.pauseMessage, 'Lunch');
  assert.match(formatStatus(paused), /\nPaused: guests see the curtain \("Lunch"\), not the session \(resume with: guest-broadcast resume --socket \/tmp\/x\/guest\)\.\n/);
  const plain = statusJson({ ...base, paused: true, pauseMessage: '' });
  assert.equal(plain.pauseMessage, 'The host paused the broadcast for a moment.');
  assert.match(formatStatus(plain), /\nPaused: guests see the curtain \("The host paused the broadcast for a moment\."\), not the session/);
});

test("through relays: status gives the ssh line and, once a relay with --web announced itself, the browser link (relay.web, null until then)", () => {
  const base = { broadcasting: true, mode: 'embedded' as const, socket: '/tmp/x/guest', session: 'broadcast', listen: '127.0.0.1:2222', watch: 'ssh -p 2222 guest@127.0.0.1', viewers: [] };
  const relay = { url: 'nats://127.0.0.1:4222', id: 'AbC', watch: 'ssh -p 2223 AbC@relay' };
  const before = formatStatus(statusJson({ ...base, relay: { ...relay, web: null } }));
  assert.match(before, /Or through a relay: ssh -p 2223 AbC@relay/);
  assert.doesNotMatch(before, /in a browser through a relay/);
  const status = statusJson({ ...base, relay: { ...relay, web: 'http://relay:8080/w/AbC/' } });
  assert.match(formatStatus(status), /Or in a browser through a relay: http:\/\/relay:8080\/w\/AbC\//);
  assert.equal((JSON.parse(JSON.stringify(status)) as { relay: { web: string } }).relay.web, 'http://relay:8080/w/AbC/');
});
