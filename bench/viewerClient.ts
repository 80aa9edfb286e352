// Connecting a bench viewer by the route's kind of guest: an SSH guest (embedded and system
// routes) or a browser guest (web route). Both render into @xterm/headless the same way
// (viewers/benchViewer.ts), so every scenario measures them alike.
import { BenchViewer, ViewerOptions } from './viewers/benchViewer';
import { connectSshViewer, SshViewerTarget } from './viewers/sshViewer';
import { connectWebViewer, WebViewerTarget } from './viewers/webViewer';

export { BenchViewer, ViewerOptions } from './viewers/benchViewer';

export type ViewerTarget = SshViewerTarget | WebViewerTarget;

export function connectViewer(target: ViewerTarget, options: ViewerOptions): Promise<BenchViewer> {
  return target.kind === 'web' ? connectWebViewer(target, options) : connectSshViewer(target, options);
}
