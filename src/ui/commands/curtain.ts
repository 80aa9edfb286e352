// Guest Broadcast: Pause broadcast / Resume broadcast (the privacy curtain; its rule lives in
// src/host/curtain/curtainTmux.ts), and what clicking the status bar offers while paused.
// Pause lowers the curtain FIRST (with the default line), then asks for the line guests read: the
// host reached for Pause because something private is about to show, and an input box left open
// must not leave the session visible. With the curtain already down it shows the current line, and
// a new one only changes the message.
import * as vscode from 'vscode';
import type { Broadcast } from '../../host/broadcast';
import { DEFAULT_CURTAIN_MESSAGE } from '../../host/curtain/curtainProgram';
import { checkCurtainMessage } from '../../host/curtain/curtainTmux';
import { HostParts } from '../hostParts';
import { curtainKeyHint } from './curtainKeyHint';
import { offerStart } from './offerStart';

const RESUME = 'Resume';

/** What the input box says about a message, undefined when it is fine (checkCurtainMessage's rule). */
function messageProblem(value: string): string | undefined {
  try {
    checkCurtainMessage(value);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** The host's line for the curtain: undefined when they cancelled (nothing changes then). */
async function askMessage(broadcast: Broadcast, changing: boolean): Promise<string | undefined> {
  const was = broadcast.curtain;
  return vscode.window.showInputBox({
    title: changing ? 'Guest Broadcast: change the curtain message' : 'Guest Broadcast: pause the broadcast (guests see the curtain now)',
    prompt: changing
      ? 'Guests see the curtain now. A new line for it (empty: the default one), then Enter.'
      : 'Paused: guests see a curtain instead of your session until you resume. A line for it, if you like (Escape keeps the default one).',
    placeHolder: DEFAULT_CURTAIN_MESSAGE,
    value: was.message,
    validateInput: messageProblem,
    // Clicking into the terminal to clear something must not cancel the pause.
    ignoreFocusOut: true,
  });
}

/**
 * `guestBroadcast.pause [message]`: the message as argument (a keybinding, another extension)
 * pauses at once, without the input box.
 */
export function pauseBroadcast(parts: HostParts) {
  return async (message?: unknown): Promise<void> => {
    const broadcast = parts.active.current;
    if (!broadcast) {
      offerStart('no broadcast is running, so there is nothing to pause.');
      return;
    }
    // A curtain that cannot come down here (no Perl) is said at once.
    if (broadcast.curtainProblem) throw new Error(broadcast.curtainProblem);
    if (message !== undefined && typeof message !== 'string') throw new Error('The curtain message must be a string (one line of plain text).');
    const wasPaused = broadcast.curtain.paused;
    if (message !== undefined) {
      await broadcast.pause(message);
    } else if (!wasPaused) {
      // The curtain first, the line after (see the top of this file).
      await broadcast.pause('');
      void notifyPaused(broadcast);
      const text = await askMessage(broadcast, false);
      // Still this broadcast, still paused (resumed or ended while the box was open: nothing to change).
      if (text !== undefined && text.trim() !== '' && parts.active.current === broadcast && broadcast.curtain.paused) await broadcast.pause(text);
      return;
    } else {
      const text = await askMessage(broadcast, true);
      if (text === undefined) return;
      // The broadcast may have ended, or been resumed, while the input box was open.
      if (parts.active.current !== broadcast || !broadcast.curtain.paused) return;
      await broadcast.pause(text);
    }
    if (wasPaused) {
      const now = broadcast.curtain.message;
      void vscode.window.showInformationMessage(`Guest Broadcast: still paused; the curtain now reads "${now || DEFAULT_CURTAIN_MESSAGE}".`);
      return;
    }
    await notifyPaused(broadcast);
  };
}

/** Says the broadcast is paused, how to resume, and what resuming shows. */
async function notifyPaused(broadcast: Broadcast): Promise<void> {
  const key = await curtainKeyHint(broadcast);
  const how = `Resume with the status bar item, "Guest Broadcast: Resume broadcast"${key ? `, or ${key} in the host terminal` : ''}.`;
  // Not awaited: the command is done once paused, whether or not the host answers the toast.
  void vscode.window
    .showInformationMessage(
      `Guest Broadcast: paused. Guests see the curtain, not your session. Before you resume, clear what should stay private: guests then see the screen as it is. ${how}`,
      RESUME,
    )
    .then((choice) => choice === RESUME && vscode.commands.executeCommand('guestBroadcast.resume'));
}

export function resumeBroadcast(parts: HostParts) {
  return async (): Promise<void> => {
    const broadcast = parts.active.current;
    if (!broadcast) {
      offerStart('no broadcast is running, so there is nothing to resume.');
      return;
    }
    if (!broadcast.curtain.paused) {
      void vscode.window.showInformationMessage('Guest Broadcast: not paused; guests already see your session.');
      return;
    }
    const left = await broadcast.resume();
    void vscode.window.showInformationMessage(
      left === 0
        ? 'Guest Broadcast: resumed; guests see your session again.'
        : `Guest Broadcast: resumed, but ${left} guest view(s) still show the curtain; they follow within seconds.`,
    );
  };
}

interface Action extends vscode.QuickPickItem {
  command: string;
}

/** The status bar item's click while paused (not in the palette): Resume first, as the host most likely wants. */
export function curtainActions(parts: HostParts) {
  return async (): Promise<void> => {
    const broadcast = parts.active.current;
    if (!broadcast?.curtain.paused) {
      // Resumed elsewhere in the meantime: the click means what it means when not paused.
      await vscode.commands.executeCommand('guestBroadcast.showViewers');
      return;
    }
    const items: Action[] = [
      { label: '$(debug-start) Resume broadcast', detail: 'Guests see your session again, as it is now.', command: 'guestBroadcast.resume' },
      { label: '$(edit) Change the curtain message…', detail: `Now: "${broadcast.curtain.message || DEFAULT_CURTAIN_MESSAGE}"`, command: 'guestBroadcast.pause' },
      { label: '$(eye) Show viewers', command: 'guestBroadcast.showViewers' },
    ];
    const picked = await vscode.window.showQuickPick(items, { title: 'Guest Broadcast: paused (guests see the curtain)', placeHolder: 'Resume, or change what guests read' });
    if (picked) await vscode.commands.executeCommand(picked.command);
  };
}
