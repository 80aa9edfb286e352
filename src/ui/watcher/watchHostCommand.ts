// `Guest Broadcast: Watch host…`: offers the saved hosts and the ~/.ssh/config aliases as picks,
// and takes anything typed ([user@]host[:port], an alias, or a list of relays `ID@r1:2223,r2:2223`) as well; then opens a read-only
// viewer. Called with a string (from another command or a link), it skips the question.
import { homedir } from 'node:os';
import * as vscode from 'vscode';
import { parseTargetList, readSshConfigAliases } from '../../watcher';
import { readSavedHosts } from '../hosts/savedHostsSetting';
import type { WatcherRegistry } from './watcherRegistry';

interface TargetPick extends vscode.QuickPickItem {
  /** What to watch; undefined for separators. */
  spec?: string;
}

/** The picks: saved hosts first (by name), then ~/.ssh/config aliases not saved already. */
function knownTargets(): TargetPick[] {
  const saved = readSavedHosts().hosts;
  let aliases: string[] = [];
  try {
    aliases = readSshConfigAliases(homedir());
  } catch {
    aliases = []; // an unreadable ~/.ssh/config: the sidebar says why; typing still works here
  }
  const savedTargets = new Set(saved.map((h) => h.target));
  const picks: TargetPick[] = [];
  if (saved.length) picks.push({ label: 'Saved hosts', kind: vscode.QuickPickItemKind.Separator });
  for (const h of saved) picks.push({ label: h.name ?? h.target, description: h.name ? h.target : undefined, spec: h.target, iconPath: new vscode.ThemeIcon('vm') });
  const fresh = aliases.filter((a) => !savedTargets.has(a));
  if (fresh.length) picks.push({ label: '~/.ssh/config', kind: vscode.QuickPickItemKind.Separator });
  for (const a of fresh) picks.push({ label: a, description: 'ssh config alias', spec: a, iconPath: new vscode.ThemeIcon('file-code') });
  return picks;
}

/** Asks which host to watch; resolves undefined when dismissed. */
function askTarget(last: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const quickPick = vscode.window.createQuickPick<TargetPick>();
    quickPick.title = 'Guest Broadcast: Watch host';
    quickPick.placeholder = 'Pick a host, or type [user@]host[:port], an ~/.ssh/config alias, or ID@relay1:2223,relay2:2223 (relays to fail over to)';
    quickPick.ignoreFocusOut = true;
    quickPick.matchOnDescription = true;
    const known = knownTargets();
    const typedPick = (text: string): TargetPick => {
      const problem = validateTargetSpec(text);
      return { label: text.trim(), description: problem ? `$(warning) ${problem}` : 'watch this host', spec: problem ? undefined : text.trim(), alwaysShow: true };
    };
    const render = (): void => {
      const text = quickPick.value.trim();
      const exact = known.some((p) => p.spec === text || p.label === text);
      quickPick.items = text && !exact ? [typedPick(text), ...known] : known;
    };
    quickPick.onDidChangeValue(render);
    let done = false;
    quickPick.onDidAccept(() => {
      const chosen = quickPick.selectedItems[0] ?? quickPick.activeItems[0];
      const spec = chosen?.spec ?? (validateTargetSpec(quickPick.value) ? undefined : quickPick.value.trim());
      if (!spec) return; // a typed text with a problem: its pick says what is wrong
      done = true;
      resolve(spec);
      quickPick.hide();
    });
    quickPick.onDidHide(() => {
      if (!done) resolve(undefined);
      quickPick.dispose();
    });
    quickPick.value = known.length ? '' : last;
    render();
    quickPick.show();
  });
}

const LAST_TARGET_KEY = 'guestBroadcast.lastWatchTarget';

/** Checks the form as the user types; ~/.ssh/config is applied after Enter. */
export function validateTargetSpec(text: string): string | undefined {
  if (!text.trim()) return 'Type a host: [user@]host[:port], an ~/.ssh/config alias, or relays: ID@relay1:2223,relay2:2223.';
  try {
    parseTargetList(text);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/** Watch host…: registered by registerWatcherUi.ts, which loads this module on its first run. */
export function watchCommand(context: vscode.ExtensionContext, registry: WatcherRegistry): (spec?: unknown) => Promise<void> {
  return async (spec?: unknown) => {
    let target = typeof spec === 'string' ? spec.trim() : undefined;
    if (!target) {
      target = await askTarget(context.globalState.get<string>(LAST_TARGET_KEY, ''));
      if (!target) return;
    }
    await context.globalState.update(LAST_TARGET_KEY, target);
    await registry.watch(target);
  };
}
