// What a guest sees: bytes rendered by a real terminal emulator (@xterm/headless), read back
// as screen lines. Tests assert on these lines, never on raw escape sequences.
import { Terminal } from '@xterm/headless';

export class Screen {
  readonly term: Terminal;
  private parsed: Promise<void> = Promise.resolve();

  constructor(cols = 80, rows = 24) {
    this.term = new Terminal({ cols, rows, allowProposedApi: true, scrollback: 0 });
  }

  /** Writes bytes and resolves once xterm has parsed them. */
  write(data: string | Uint8Array): Promise<void> {
    return new Promise((resolve) => this.term.write(data, resolve));
  }

  /** Queues bytes from a stream's callback (which cannot wait); they are parsed in arrival order. */
  feed(data: string | Uint8Array): void {
    this.parsed = this.parsed.then(() => this.write(data));
  }

  /** Resolves once everything fed so far is parsed. */
  settled(): Promise<void> {
    return this.parsed;
  }

  /** The visible text once everything fed so far is parsed. */
  async settledText(): Promise<string> {
    await this.parsed;
    return this.text();
  }

  resize(cols: number, rows: number): void {
    this.term.resize(cols, rows);
  }

  /** The visible screen, one string per row, trailing spaces trimmed. */
  lines(): string[] {
    const buffer = this.term.buffer.active;
    const out: string[] = [];
    for (let y = 0; y < this.term.rows; y++) {
      out.push(buffer.getLine(buffer.viewportY + y)?.translateToString(true) ?? '');
    }
    return out;
  }

  text(): string {
    return this.lines().join('\n');
  }

  dispose(): void {
    this.term.dispose();
  }
}

export { waitFor } from './wait';
