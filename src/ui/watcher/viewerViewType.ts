// The viewer panels' webview type: VS Code restores a tab of this type after a reload by calling
// the serializer that activate() registers for it (package.json: onWebviewPanel:guestBroadcast.viewer).
// Its own module, so registering the serializer does not load the panel's code.
export const VIEWER_VIEW_TYPE = 'guestBroadcast.viewer';
