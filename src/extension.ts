// activate(): builds the parts and registers them; no logic of its own.
import type * as vscode from 'vscode';
import { registerViewerUi } from './ui/viewer/registerViewerUi';

export function activate(context: vscode.ExtensionContext): void {
  registerViewerUi(context);
}

export function deactivate(): void {
  // Everything is in context.subscriptions.
}
