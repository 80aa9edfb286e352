// The web page's passphrase form (the page's HTML has it: src/host/web/pageHtml.ts). Shown when
// the server's hello says a passphrase is required; the terminal stays hidden behind it
// (body[data-phase="passphrase"]) until the server accepts one. The value goes only to the
// WebSocket, never into a URL or storage.
import { MAX_PASSPHRASE } from '../src/wire/webGuestProtocol';

export class PassphraseForm {
  private readonly box = document.getElementById('passphrase') as HTMLElement;
  private readonly form = document.getElementById('passphrase-form') as HTMLFormElement;
  private readonly input = document.getElementById('passphrase-input') as HTMLInputElement;
  private readonly submit = document.getElementById('passphrase-submit') as HTMLButtonElement;
  private readonly error = document.getElementById('passphrase-error') as HTMLElement;

  constructor(onSubmit: (passphrase: string) => void) {
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      const value = this.input.value;
      if (!value) {
        this.say('Enter the passphrase the host gave you.');
        return;
      }
      if (value.length > MAX_PASSPHRASE) {
        this.say(`That is longer than any passphrase (${MAX_PASSPHRASE} characters at most).`);
        return;
      }
      this.setBusy(true);
      this.say(undefined);
      onSubmit(value);
    });
  }

  /** Asks (again, after a reconnect); the terminal is hidden meanwhile. */
  show(): void {
    document.body.dataset.phase = 'passphrase';
    this.box.hidden = false;
    this.setBusy(false);
    this.input.disabled = false;
    this.input.focus();
  }

  /** Accepted: the screen may show. The typed value is not kept in the field. */
  hide(): void {
    document.body.dataset.phase = 'view';
    this.box.hidden = true;
    this.input.value = '';
    this.say(undefined);
    this.setBusy(false);
  }

  refused(attemptsLeft: number): void {
    this.show();
    this.input.select();
    this.say(attemptsLeft > 0
      ? `Wrong passphrase. ${attemptsLeft} ${attemptsLeft === 1 ? 'attempt' : 'attempts'} left.`
      : 'Wrong passphrase. No attempts left.');
  }

  /** The server ended the view while the form is up (too many attempts, the broadcast stopped). */
  ended(message: string): void {
    if (this.box.hidden) return;
    this.say(message);
    this.setBusy(false);
    this.submit.disabled = true;
    this.input.disabled = true;
  }

  /** The connection dropped while waiting for an answer: the form is usable again once it is back. */
  interrupted(): void {
    if (!this.box.hidden) this.setBusy(false);
  }

  private setBusy(busy: boolean): void {
    this.submit.disabled = busy;
    this.submit.textContent = busy ? 'Checking…' : 'Watch';
  }

  private say(text: string | undefined): void {
    this.error.hidden = text === undefined;
    this.error.textContent = text ?? '';
  }
}
