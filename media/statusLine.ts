// The status line under the terminal: connecting / live / reconnecting in N s / ended / error.
import type { WatchState } from '../src/ui/protocol';

export class StatusLine {
  private readonly dot = document.getElementById('status-dot') as HTMLElement;
  private readonly text = document.getElementById('status-text') as HTMLElement;
  private countdown: ReturnType<typeof setInterval> | undefined;

  constructor(private target: string) {}

  show(state: WatchState, target = this.target): void {
    this.target = target;
    if (this.countdown !== undefined) clearInterval(this.countdown);
    this.countdown = undefined;
    this.dot.className = `dot ${state.kind}`;
    switch (state.kind) {
      case 'connecting':
        this.set(`Connecting to ${target}…`);
        break;
      case 'live':
        this.set(`Live: ${target}`);
        break;
      case 'reconnecting': {
        // The host says when it will retry; count down here instead of a message per second.
        const retryAt = Date.now() + state.inSeconds * 1000;
        const render = () => {
          const left = Math.max(0, Math.ceil((retryAt - Date.now()) / 1000));
          const reason = state.reason ? ` (${state.reason})` : '';
          this.set(left > 0 ? `Reconnecting in ${left} s${reason}` : `Reconnecting…${reason}`);
          if (left === 0 && this.countdown !== undefined) clearInterval(this.countdown);
        };
        render();
        this.countdown = setInterval(render, 1000);
        break;
      }
      case 'ended':
        this.set(`Broadcast ended: ${target}`);
        break;
      case 'error':
        this.set(`Error: ${state.message}`);
        break;
    }
  }

  private set(text: string): void {
    this.text.textContent = text;
    this.text.title = text;
  }
}
