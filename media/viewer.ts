// The VS Code webview's entry: the read-only viewer (viewerApp.ts) on VS Code's message channel.
// The browser route's page runs the same viewer on a WebSocket (web.ts).
import '@xterm/xterm/css/xterm.css';
import './viewer.css';
import { startViewer } from './viewerApp';
import { stampStyleNonces } from './styleNonce';
import { vscodeChannel } from './vscodeApi';

// First, while document.currentScript still names us and before xterm.js creates any <style>.
stampStyleNonces();
startViewer(vscodeChannel());
