// The watcher's keyboard in a terminal. While watching, stdin is in raw mode so every key is
// swallowed here (nothing is ever sent to the host) except `q` and Ctrl-C, which end the watch.
// When a question must be asked (an unknown host key, a password), the keys go to that question
// instead, with or without echo.

export interface LineQuestion {
  prompt: string;
  echo: boolean;
}

export class TtyInput {
  private pending: { buffer: string; echo: boolean; resolve: (answer: string | undefined) => void } | undefined;
  private onQuit: (() => void) | undefined;
  private rawSet = false;
  private readonly onData = (chunk: Buffer): void => this.handle(chunk.toString('utf8'));

  constructor(
    private readonly input: NodeJS.ReadStream = process.stdin,
    private readonly echoTo: NodeJS.WriteStream = process.stderr,
  ) {}

  /** Can we ask a person anything? */
  get interactive(): boolean {
    return Boolean(this.input.isTTY);
  }

  /** Swallows every key from now on; `q` or Ctrl-C calls onQuit. */
  startWatching(onQuit: () => void): void {
    this.onQuit = onQuit;
    this.attach();
  }

  /** Asks one line; undefined when the person pressed Ctrl-C or Esc, or nobody can answer. */
  ask(question: LineQuestion): Promise<string | undefined> {
    if (!this.interactive) return Promise.resolve(undefined);
    // One question at a time: a question still open belongs to a login that is gone (the server
    // dropped the connection while the person read the fingerprint; the watcher moved on to try
    // again, or to the next relay of a list), so it is withdrawn, unanswered, and this one asked.
    // Refusing the new one instead turned that retry into "the host key was not trusted".
    const stale = this.pending;
    if (stale) {
      this.pending = undefined;
      this.echoTo.write('\r\n');
      stale.resolve(undefined);
    }
    this.echoTo.write(question.prompt);
    this.attach();
    return new Promise((resolve) => {
      this.pending = { buffer: '', echo: question.echo, resolve };
    });
  }

  /** Gives the terminal back as it was. */
  stop(): void {
    this.onQuit = undefined;
    this.pending?.resolve(undefined);
    this.pending = undefined;
    this.detach();
  }

  private attach(): void {
    if (this.rawSet) return;
    if (this.input.isTTY) this.input.setRawMode(true);
    this.rawSet = true;
    this.input.on('data', this.onData);
    this.input.resume();
  }

  private detach(): void {
    if (!this.rawSet) return;
    this.input.off('data', this.onData);
    if (this.input.isTTY) this.input.setRawMode(false);
    this.input.pause();
    this.rawSet = false;
  }

  private handle(data: string): void {
    const question = this.pending;
    if (question) {
      for (const ch of data) {
        if (ch === '\r' || ch === '\n') return this.answer(question.buffer);
        if (ch === '\x03' || ch === '\x1b') return this.answer(undefined);
        if (ch === '\x7f' || ch === '\b') {
          if (question.buffer) {
            question.buffer = question.buffer.slice(0, -1);
            if (question.echo) this.echoTo.write('\b \b');
          }
        } else if (ch >= ' ') {
          question.buffer += ch;
          if (question.echo) this.echoTo.write(ch);
        }
      }
      return;
    }
    // Watching: a lone `q` (not part of an escape sequence a terminal sent) or Ctrl-C ends it.
    if (data === 'q' || data === 'Q' || data.includes('\x03')) this.onQuit?.();
  }

  private answer(value: string | undefined): void {
    const question = this.pending!;
    this.pending = undefined;
    this.echoTo.write('\r\n');
    if (!this.onQuit) this.detach();
    question.resolve(value);
  }
}
