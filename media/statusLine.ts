// The one-line footer under the terminal: where the connection stands in words, the button that
// fits the moment (Retry now while reconnecting, Retry after an error, Watch again once ended),
// and the size mode (Fit / My size) with the sizes when they differ. The page's body carries the
// state as data-state, which the CSS uses to dim a screen that is not live.
import type { SizeMode, TerminalSize, WatchState } from '../src/ui/protocol';

export class StatusLine {
  private readonly dot = document.getElementById('status-dot') as HTMLElement;
  private readonly text = document.getElementById('status-text') as HTMLElement;
  private readonly action = document.getElementById('status-action') as HTMLButtonElement;
  private readonly sizes = document.getElementById('status-sizes') as HTMLElement;
  private readonly modeButton = document.getElementById('status-size-mode') as HTMLButtonElement;
  private countdown: ReturnType<typeof setInterval> | undefined;

  constructor(private target: string, onAction: () => void, onToggleSize: () => void) {
    this.action.addEventListener('click', onAction);
    this.modeButton.addEventListener('click', onToggleSize);
  }

  show(state: WatchState, target = this.target): void {
    this.target = target;
    if (this.countdown !== undefined) clearInterval(this.countdown);
    this.countdown = undefined;
    this.dot.className = `dot ${state.kind}`;
    document.body.dataset.state = state.kind;
    switch (state.kind) {
      case 'connecting':
        this.set(`Connecting to ${target}…`);
        this.setAction(undefined);
        break;
      case 'live':
        this.set(`Live: ${target}`);
        this.setAction(undefined);
        break;
      case 'reconnecting': {
        // The host says when it will retry; count down here instead of a message per second.
        const retryAt = Date.now() + state.inSeconds * 1000;
        const render = () => {
          const left = Math.max(0, Math.ceil((retryAt - Date.now()) / 1000));
          const reason = state.reason ? `: ${state.reason}` : '';
          // A list of relays: which one comes next.
          const to = state.to ? ` to ${state.to}` : '';
          this.set(left > 0 ? `Reconnecting${to} in ${left} s${reason}` : `Reconnecting${to}…${reason}`);
          if (left === 0 && this.countdown !== undefined) clearInterval(this.countdown);
        };
        render();
        this.countdown = setInterval(render, 1000);
        this.setAction('Retry now');
        break;
      }
      case 'ended':
        this.set(state.message ?? `Broadcast ended: ${target}`);
        this.setAction('Watch again');
        break;
      case 'error':
        this.set(`Cannot watch ${target}: ${state.message}`);
        this.setAction('Retry');
        break;
    }
  }

  /** The mode button names the mode in use; the sizes say how host and panel differ. */
  showSize(mode: SizeMode, host: TerminalSize | undefined, mine: TerminalSize | undefined): void {
    this.modeButton.textContent = mode === 'fit' ? 'Fit' : 'My size';
    this.modeButton.title = mode === 'fit'
      ? `Fit: the host's whole screen${host ? ` (${host.cols}x${host.rows})` : ''}, scaled to this panel. Click to use your own size.`
      : "My size: as many cells as this panel holds at the terminal font; the host's screen may be cropped or padded. Click to fit the host's screen.";
    this.modeButton.setAttribute('aria-pressed', mode === 'fit' ? 'true' : 'false');
    let sizes = '';
    if (mode === 'mine' && host && mine && (host.cols !== mine.cols || host.rows !== mine.rows)) {
      sizes = `host ${host.cols}x${host.rows}, you ${mine.cols}x${mine.rows}`;
    } else if (mode === 'fit' && host) {
      sizes = `${host.cols}x${host.rows}`;
    } else if (mode === 'fit' && document.body.dataset.state === 'live') {
      sizes = 'host size unknown';
    }
    this.sizes.textContent = sizes;
    this.sizes.title = mode === 'fit' && !host && sizes
      ? "The host's server does not tell its terminal size, so this panel uses its own size."
      : sizes;
  }

  private setAction(label: string | undefined): void {
    this.action.hidden = label === undefined;
    this.action.textContent = label ?? '';
  }

  private set(text: string): void {
    this.text.textContent = text;
    this.text.title = text;
  }
}
