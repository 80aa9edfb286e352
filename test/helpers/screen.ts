// What a guest sees: bytes rendered by a real terminal emulator (@xterm/headless), read back
// as screen lines. Tests assert on these lines, never on raw escape sequences.
import { Terminal } from '@xterm/headless';

export class Screen {
  readonly term: Terminal;

  constructor(cols = 80, rows = 24) {
    this.term = new Terminal({ cols, rows, allowProposedApi: true, scrollback: 0 });
  }

  /** Writes bytes and resolves once xterm has parsed them. */
  write(data: string | Uint8Array): Promise<void> {
    return new Promise((resolve) => this.term.write(data, resolve));
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
