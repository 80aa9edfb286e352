// The options `setup-guest` and `doctor` share: both describe the same guest account.
import { GuestSetupError, GuestSetupInput, GuestSetupOptions, resolveGuestSetupOptions } from '../host/guestAccount/options';
import { Options, stringOpt, UsageError } from './args';

export const GUEST_SETUP_OPTIONS: Options = {
  'guest-user': { type: 'string' },
  socket: { type: 'string' },
  session: { type: 'string' },
  'sshd-config': { type: 'string' },
  chroot: { type: 'string' },
  'host-user': { type: 'string' },
  perl: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
};

/** sshdConfigLine: what --sshd-config is for (setup-guest changes it, doctor only reads it). */
export const guestSetupHelp = (sshdConfigLine: string): string => `  --guest-user NAME     the guests' Unix account (default: guest)
  --socket PATH         the broadcast's tmux socket (default: /var/lib/tmux-sessions/guest,
                        or CHROOT/var/lib/tmux-sessions/guest with --chroot)
  --session NAME        the broadcast session's name (default: broadcast)
  --sshd-config PATH    ${sshdConfigLine} (default: /etc/ssh/sshd_config)
  --chroot DIR          lock guests into DIR (a root-owned folder such as /srv/guest-broadcast)
  --host-user NAME      who runs the broadcast and owns the socket folder (default: $SUDO_USER or you)
  --perl PATH           the perl that runs the guest's size relay (default: perl on PATH)
`;

export function guestSetupOptionsFrom(values: Record<string, unknown>, extra: Partial<GuestSetupInput> = {}): GuestSetupOptions {
  try {
    return resolveGuestSetupOptions({
      guestUser: stringOpt(values, 'guest-user'),
      socketPath: stringOpt(values, 'socket'),
      sessionName: stringOpt(values, 'session'),
      sshdConfig: stringOpt(values, 'sshd-config'),
      chrootDir: stringOpt(values, 'chroot'),
      hostUser: stringOpt(values, 'host-user'),
      perlPath: stringOpt(values, 'perl'),
      ...extra,
    });
  } catch (error) {
    if (error instanceof GuestSetupError) throw new UsageError(error.message);
    throw error;
  }
}
