// asciicast v2/v3 and ALiS encoding (src/wire/asciicast.ts, alis.ts, castStream.ts): what the
// live stream and recordings write. Output is cut at every byte position (and every pair of
// positions) and must come out as the same characters, never a broken half of one; every
// control byte must survive JSON; times come from the caller's monotonic clock.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ALIS_MAGIC, AlisEncoder, leb128 } from '../../src/wire/alis';
import { AsciicastEncoder, eventLine, formatSeconds, v2HeaderLine, v3HeaderLine } from '../../src/wire/asciicast';
import { castStreamEncoder, offeredProtocols, pickStreamProtocol, rawSizeSequence, STREAM_PROTOCOLS } from '../../src/wire/castStream';

// Every control byte, DEL, quotes and backslash, U+2028/9 (valid JSON, not JavaScript), and
// characters of two, three and four UTF-8 bytes, some of them next to each other.
const CONTROLS = Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)).join('') + '\x7f';
const SAMPLE = `a${CONTROLS}"\\/ é€𝄞\u2028\u2029日本語🎉z\x1b[1;31mred\x1b[0m\r\n`;
const BYTES = Buffer.from(SAMPLE, 'utf8');

/** A clock the test moves by hand (milliseconds). */
function manualClock(start = 1000): { now: () => number; advance(ms: number): void; set(ms: number): void } {
  let t = start;
  return { now: () => t, advance: (ms) => void (t += ms), set: (ms) => void (t = ms) };
}

/** The chunks of BYTES cut at the given positions. */
function cut(bytes: Buffer, at: number[]): Buffer[] {
  const out: Buffer[] = [];
  let from = 0;
  for (const p of at) {
    out.push(bytes.subarray(from, p));
    from = p;
  }
  out.push(bytes.subarray(from));
  return out;
}

/** Output events of a v2 (or v3) stream as parsed JSON. */
function v2Output(chunks: Buffer[], version: 2 | 3 = 2): { lines: string[]; text: string; pieces: string[] } {
  const clock = manualClock();
  const enc = new AsciicastEncoder(version, clock.now);
  const lines = [enc.header({ cols: 80, rows: 24 })];
  for (const c of chunks) {
    clock.advance(1);
    const line = enc.output(c);
    if (line !== undefined) lines.push(line);
  }
  const end = enc.end();
  if (end !== undefined) lines.push(end);
  const pieces = lines.slice(1).map((l) => {
    const event = JSON.parse(l) as [number, string, string];
    assert.equal(event[1], 'o');
    return event[2];
  });
  return { lines, text: pieces.join(''), pieces };
}

test('asciicast v2 and v3: output cut at every byte position comes out as the same text, no character broken', () => {
  for (const version of [2, 3] as const) {
    for (let i = 0; i <= BYTES.length; i++) {
      const { text, pieces } = v2Output(cut(BYTES, [i]), version);
      assert.equal(text, SAMPLE, `v${version} cut at ${i}`);
      assert.ok(pieces.every((p) => !p.includes('\ufffd')), `v${version} cut at ${i}: a broken character`);
    }
  }
});

test('asciicast v2: output cut at every pair of byte positions, and byte by byte, comes out as the same text', () => {
  for (let i = 0; i <= BYTES.length; i++) {
    for (let j = i; j <= BYTES.length; j++) {
      assert.equal(v2Output(cut(BYTES, [i, j])).text, SAMPLE, `cut at ${i} and ${j}`);
    }
  }
  const oneByOne = v2Output(cut(BYTES, Array.from({ length: BYTES.length - 1 }, (_, k) => k + 1)));
  assert.equal(oneByOne.text, SAMPLE);
  // A chunk that completes no character writes no event (no empty "o" events).
  assert.ok(oneByOne.pieces.every((p) => p.length > 0));
});

test('asciicast: every line is one line of valid JSON, every control byte escaped, the data exact', () => {
  for (let b = 0; b < 0x80; b++) {
    const data = `x${String.fromCharCode(b)}y`;
    const line = eventLine(0.5, 'o', data);
    assert.ok(!/[\x00-\x1f]/.test(line), `byte ${b} raw in the line: ${JSON.stringify(line)}`);
    assert.deepEqual(JSON.parse(line), [0.5, 'o', data], `byte ${b}`);
  }
  const { lines } = v2Output([BYTES]);
  for (const l of lines) assert.ok(!l.includes('\n') && !l.includes('\r'), l);
});

test('asciicast: bytes that are not UTF-8 become U+FFFD, and so does a character left incomplete at the end', () => {
  const clock = manualClock();
  const enc = new AsciicastEncoder(2, clock.now);
  enc.header({ cols: 80, rows: 24 });
  assert.deepEqual(JSON.parse(enc.output(Buffer.from([0x61, 0xff, 0x62]))!), [0, 'o', 'a\ufffdb']);
  assert.equal(enc.output(Buffer.from([0xe2, 0x82])), undefined);
  assert.deepEqual(JSON.parse(enc.end()!), [0, 'o', '\ufffd']);
});

test('asciicast v2 header: version, size, timestamp, title and TERM/SHELL, in the fields asciinema reads', () => {
  const line = v2HeaderLine({ cols: 120, rows: 40, term: 'xterm-256color', shell: '/bin/bash', timestamp: 1764488951.75, title: 'demo "one"' });
  assert.deepEqual(JSON.parse(line), {
    version: 2, width: 120, height: 40, timestamp: 1764488951, title: 'demo "one"', env: { TERM: 'xterm-256color', SHELL: '/bin/bash' },
  });
  // Optional fields are left out, not written as null.
  assert.deepEqual(JSON.parse(v2HeaderLine({ cols: 80, rows: 24 })), { version: 2, width: 80, height: 24 });
  assert.throws(() => v2HeaderLine({ cols: 0, rows: 24 }), /whole positive/);
  assert.throws(() => v2HeaderLine({ cols: 80.5, rows: 24 }), /whole positive/);
});

test('asciicast v3 header: term with cols, rows and type', () => {
  const line = v3HeaderLine({ cols: 100, rows: 30, term: 'xterm-256color', shell: '/bin/zsh', timestamp: 1764488951, title: 't' });
  assert.deepEqual(JSON.parse(line), {
    version: 3, term: { cols: 100, rows: 30, type: 'xterm-256color' }, timestamp: 1764488951, title: 't', env: { SHELL: '/bin/zsh' },
  });
});

test('asciicast times: v2 counts seconds since the header, v3 since the previous event, in microseconds, never backwards', () => {
  for (const version of [2, 3] as const) {
    const clock = manualClock(5000);
    const enc = new AsciicastEncoder(version, clock.now);
    enc.header({ cols: 80, rows: 24 });
    clock.advance(1500.0004); // 1.5000004 s: rounds to the microsecond
    const a = JSON.parse(enc.output(Buffer.from('a'))!) as [number, string, string];
    clock.advance(250);
    const b = JSON.parse(enc.resize(100, 30)) as [number, string, string];
    clock.set(1000); // a clock that went back is held where it was
    const c = JSON.parse(enc.marker('curtain down')) as [number, string, string];
    clock.advance(10_000);
    const d = JSON.parse(enc.output(Buffer.from('d'))!) as [number, string, string];
    if (version === 2) assert.deepEqual([a[0], b[0], c[0], d[0]], [1.5, 1.75, 1.75, 6]);
    else assert.deepEqual([a[0], b[0], c[0], d[0]], [1.5, 0.25, 0, 4.25]);
    assert.deepEqual(b.slice(1), ['r', '100x30']);
    assert.deepEqual(c.slice(1), ['m', 'curtain down']);
  }
  assert.equal(formatSeconds(0), '0');
  assert.equal(formatSeconds(1.5), '1.5');
  assert.equal(formatSeconds(12.3456789), '12.345679');
  assert.equal(formatSeconds(1e-7), '0');
  assert.equal(formatSeconds(86400 * 365), '31536000');
  assert.throws(() => new AsciicastEncoder(2, () => 0).output(Buffer.from('x')), /before the header/);
});

/** Reads one ALiS frame as the player does: LEB128 numbers, then a text of the given length. */
function readAlis(frame: Uint8Array): { type: number; numbers: number[]; text?: string } {
  let at = 1;
  const num = (): number => {
    let value = 0;
    let scale = 1;
    for (;;) {
      assert.ok(at < frame.length, 'a number runs past the end of the frame');
      const byte = frame[at++];
      value += (byte & 0x7f) * scale;
      scale *= 128;
      if (byte < 0x80) return value;
    }
  };
  const type = frame[0];
  const counts: Record<number, number> = { 0x01: 4, 0x6f: 2, 0x72: 4, 0x6d: 2 };
  const numbers = Array.from({ length: counts[type] ?? 0 }, num);
  if (type === 0x01) {
    numbers.push(frame[at++]); // theme format
    numbers.push(num()); // init length
    return { type, numbers };
  }
  if (type === 0x6f || type === 0x6d) {
    const len = num();
    // fatal: a frame holding half a character throws, as it would break in the player.
    const text = new TextDecoder('utf-8', { fatal: true }).decode(frame.subarray(at, at + len));
    assert.equal(at + len, frame.length);
    return { type, numbers, text };
  }
  return { type, numbers };
}

test('LEB128: known encodings and the largest safe integer', () => {
  assert.deepEqual(leb128(0), [0]);
  assert.deepEqual(leb128(127), [0x7f]);
  assert.deepEqual(leb128(128), [0x80, 0x01]);
  assert.deepEqual(leb128(624485), [0xe5, 0x8e, 0x26]);
  const big = Number.MAX_SAFE_INTEGER;
  assert.deepEqual(readAlis(new Uint8Array([0x72, ...leb128(1), ...leb128(0), ...leb128(big), ...leb128(3)])).numbers, [1, 0, big, 3]);
  assert.throws(() => leb128(-1), RangeError);
});

test('ALiS: magic, init with the size, then output frames of whole characters at every cut, times in microseconds', () => {
  for (let i = 0; i <= BYTES.length; i++) {
    const clock = manualClock();
    const enc = new AlisEncoder(clock.now);
    const [magic, init] = enc.start(90, 30);
    assert.deepEqual([...magic], [...ALIS_MAGIC]);
    assert.deepEqual(readAlis(init), { type: 0x01, numbers: [0, 0, 90, 30, 0, 0] });
    let text = '';
    const ids: number[] = [];
    let lastFrameAt = clock.now();
    for (const chunk of cut(BYTES, [i])) {
      clock.advance(2.5);
      const frame = enc.output(chunk);
      if (!frame) continue;
      assert.equal(readAlis(frame).numbers[1], (clock.now() - lastFrameAt) * 1000, 'µs since the previous frame');
      lastFrameAt = clock.now();
      const f = readAlis(frame);
      assert.equal(f.type, 0x6f);
      ids.push(f.numbers[0]);
      text += f.text;
    }
    assert.equal(text, SAMPLE, `cut at ${i}`);
    assert.deepEqual(ids, ids.map((_, k) => k + 1), 'ids count up from 1');
    clock.advance(1);
    assert.deepEqual(readAlis(enc.resize(100, 40)), { type: 0x72, numbers: [ids.length + 1, (clock.now() - lastFrameAt) * 1000, 100, 40] });
    const end = enc.end();
    assert.deepEqual([...end[end.length - 1]], [0x04]);
  }
});

test('ALiS: the first output frame counts its time from the init frame', () => {
  const clock = manualClock();
  const enc = new AlisEncoder(clock.now);
  enc.start(80, 24);
  clock.advance(1234.567);
  assert.deepEqual(readAlis(enc.output(Buffer.from('hi'))!), { type: 0x6f, numbers: [1, 1234567], text: 'hi' });
  clock.advance(1);
  assert.deepEqual(readAlis(enc.marker('m1')), { type: 0x6d, numbers: [2, 1000], text: 'm1' });
});

test('subprotocols: the client\'s first choice we speak; raw when it offers none; nothing for only unknown ones', () => {
  const player = ['v1.alis', 'v2.asciicast', 'v3.asciicast', 'raw'];
  assert.equal(pickStreamProtocol(player), 'v1.alis');
  assert.equal(pickStreamProtocol(['v3.asciicast', 'v2.asciicast']), 'v3.asciicast');
  assert.equal(pickStreamProtocol(['chat', 'v2.asciicast']), 'v2.asciicast');
  assert.equal(pickStreamProtocol(['chat', 'v4.asciicast']), undefined);
  assert.equal(pickStreamProtocol([]), 'raw');
  assert.equal(pickStreamProtocol(player, ['v2.asciicast']), 'v2.asciicast');
  assert.equal(pickStreamProtocol(['v1.alis'], ['v2.asciicast']), undefined);
  assert.deepEqual(offeredProtocols('v1.alis, v2.asciicast ,raw'), ['v1.alis', 'v2.asciicast', 'raw']);
  assert.deepEqual(offeredProtocols(['a', 'b, c']), ['a', 'b', 'c']);
  assert.deepEqual(offeredProtocols(undefined), []);
  assert.deepEqual([...STREAM_PROTOCOLS], player);
});

test('stream encoders: each protocol starts with the size, and raw gives it as CSI 8 t', () => {
  const clock = manualClock();
  const v2 = castStreamEncoder('v2.asciicast', clock.now).start({ cols: 81, rows: 25 });
  assert.deepEqual(JSON.parse((v2[0] as { text: string }).text), { version: 2, width: 81, height: 25 });
  const v3 = castStreamEncoder('v3.asciicast', clock.now).start({ cols: 81, rows: 25 });
  assert.deepEqual(JSON.parse((v3[0] as { text: string }).text), { version: 3, term: { cols: 81, rows: 25 } });
  const raw = castStreamEncoder('raw', clock.now);
  assert.equal(Buffer.from((raw.start({ cols: 81, rows: 25 })[0] as { binary: Uint8Array }).binary).toString(), rawSizeSequence(81, 25));
  assert.equal(rawSizeSequence(81, 25), '\x1b[8;25;81t');
  assert.deepEqual(raw.marker('x'), []);
  const alis = castStreamEncoder('v1.alis', clock.now).start({ cols: 81, rows: 25 });
  assert.equal(alis.length, 2);
});
