// The browser page's entry (src/host/web/pageHtml.ts loads it): the same read-only viewer as the
// VS Code webview (viewerApp.ts), on a WebSocket to the host's browser route (webChannel.ts).
import '@xterm/xterm/css/xterm.css';
import './viewer.css';
import './web.css';
import type { SizeMode } from '../src/ui/protocol';
import { PassphraseForm } from './passphraseForm';
import { stampStyleNonces } from './styleNonce';
import { startViewer } from './viewerApp';
import { socketUrl, WebChannel } from './webChannel';

// First, while document.currentScript still names us and before xterm.js creates any <style>.
stampStyleNonces();

// The size mode is remembered per browser (like the panel remembers it per host).
const SIZE_MODE_KEY = 'guestBroadcast.sizeMode';
function rememberedSizeMode(): SizeMode {
  try {
    return localStorage.getItem(SIZE_MODE_KEY) === 'mine' ? 'mine' : 'fit';
  } catch {
    return 'fit'; // storage disabled
  }
}
const sizeMode = rememberedSizeMode();
document.body.dataset.sizeMode = sizeMode;

const channel = new WebChannel({
  url: socketUrl(window.location),
  target: document.body.dataset.target ?? '',
  sizeMode,
  sizeModeChanged(mode) {
    try {
      localStorage.setItem(SIZE_MODE_KEY, mode);
    } catch {
      // not remembered: fine
    }
  },
});
channel.prompt = new PassphraseForm((value) => channel.submitPassphrase(value));
const { terminal } = startViewer(channel);
// A read-only terminal has nothing to type: a tap on a phone selects and scrolls, without
// bringing up the on-screen keyboard. (A hardware keyboard still reaches Find and Copy.)
terminal.textarea?.setAttribute('inputmode', 'none');
if (document.body.dataset.phase === 'passphrase') (document.getElementById('passphrase-input') as HTMLInputElement).focus();
