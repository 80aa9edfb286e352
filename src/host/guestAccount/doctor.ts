// `guest-broadcast doctor`: checks each piece of system mode's guest access, in the order a
// guest's login goes through them, and says for each what is wrong and how to fix it. The result
// is structured (VS Code shows it as a list) and has a plain-text form for the CLI.
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { guestAttachArgv, shellCommand } from '../../tmux/attach';
import { readMarkers } from '../../tmux/broadcastSession';
import { probeTmuxVersion, Tmux } from '../../tmux/tmux';
import { assertSupported } from '../../tmux/version';
import { untraversableParents } from '../permissionFixup';
import { isRootUser } from './applySetup';
import { asRoot } from './asRoot';
import { guestFilterPerl } from '../guestOutputFilter';
import { RELAY_DROPS_INPUT } from './sizeRelay';
import { wrapperAttachLine } from './forceCommandWrapper';
import { GuestSetupOptions } from './options';
import type { CheckStatus, DoctorCheck, DoctorReport } from './doctorTypes';
import { relayCheck } from './relayCheck';
import { countManagedBlocks, expectedSshdOptions } from './sshdMatchBlock';
import { checkSshdService, listenAddressesFromConfigText, parseListenAddresses, startSshdCommand } from './sshdService';
import {
  getentPasswd,
  getentShadowPassword,
  isNoLoginShell,
  pamAllowsEmptyPasswords,
  parseSshdT,
  passwordState,
  readTextIfExists,
  runCommand,
} from './systemFacts';

export type { CheckStatus, DoctorCheck, DoctorReport } from './doctorTypes';

export const PAM_FILES = ['/etc/pam.d/common-auth', '/etc/pam.d/sshd'];

/** The setup command with the same options, for "fix" texts. */
function setupCommand(o: GuestSetupOptions): string {
  const args = ['guest-broadcast setup-guest --apply'];
  if (o.guestUser !== 'guest') args.push(`--guest-user ${o.guestUser}`);
  args.push(`--socket ${o.socketPath}`);
  if (o.sessionName !== 'broadcast') args.push(`--session ${o.sessionName}`);
  if (o.sshdConfig !== '/etc/ssh/sshd_config') args.push(`--sshd-config ${o.sshdConfig}`);
  if (o.chrootDir) args.push(`--chroot ${o.chrootDir}`);
  return asRoot(args.join(' '));
}

/**
 * The `host` command that serves this set-up: its socket, session and guest user (a host started
 * without --guest-user lets only "guest" in, whatever account the set-up made).
 */
function hostCommand(o: GuestSetupOptions): string {
  const args = ['guest-broadcast host --mode system', `--socket ${o.socketPath}`];
  if (o.sessionName !== 'broadcast') args.push(`--session ${o.sessionName}`);
  if (o.guestUser !== 'guest') args.push(`--guest-user ${o.guestUser}`);
  return args.join(' ');
}

export async function runDoctor(o: GuestSetupOptions): Promise<DoctorReport> {
  const checks: DoctorCheck[] = [];
  const add = (check: DoctorCheck): void => void checks.push(check);
  const setup = setupCommand(o);
  const root = isRootUser();

  // tmux: the system mode's one version gate (3.3, for server-access), as `host --mode system` applies it.
  try {
    const v = await probeTmuxVersion(o.tmuxPath);
    try {
      assertSupported(v, 'system');
      add({ id: 'tmux-version', title: 'tmux version', status: 'ok', detail: v.raw });
    } catch (error) {
      add({ id: 'tmux-version', title: 'tmux version', status: 'fail', detail: (error as Error).message, fix: 'Install tmux 3.3 or newer (Debian 12: apt-get install tmux).' });
    }
  } catch (error) {
    add({ id: 'tmux-version', title: 'tmux version', status: 'fail', detail: (error as Error).message, fix: 'Install tmux 3.3 or newer (apt-get install tmux).' });
  }

  // The account.
  const user = await getentPasswd(o.guestUser);
  if (!user) {
    add({ id: 'user', title: `user ${o.guestUser}`, status: 'fail', detail: `There is no user "${o.guestUser}".`, fix: setup });
  } else {
    add({ id: 'user', title: `user ${o.guestUser}`, status: 'ok', detail: `uid ${user.uid}, home ${user.home}` });
    add(
      isNoLoginShell(user.shell)
        ? { id: 'shell', title: 'login shell', status: 'fail', detail: `The shell is ${user.shell || '(none)'}: sshd runs ForceCommand through it, so guests are thrown out.`, fix: asRoot(`usermod --shell /bin/sh ${o.guestUser}`) }
        : { id: 'shell', title: 'login shell', status: 'ok', detail: user.shell },
    );
    const shadow = await getentShadowPassword(o.guestUser);
    if (shadow === undefined) {
      add({ id: 'password', title: 'empty password', status: 'skip', detail: root ? 'No shadow entry found.' : 'Only root can read the password state.', fix: root ? setup : 'Run the doctor as root to check it.' });
    } else {
      const state = passwordState(shadow);
      add(
        state === 'empty'
          ? { id: 'password', title: 'empty password', status: 'ok', detail: 'Guests log in without a password.' }
          : { id: 'password', title: 'empty password', status: 'fail', detail: `The password is ${state}: guests would be asked for it or refused.`, fix: asRoot(`passwd -d ${o.guestUser}`) },
      );
    }
  }

  // PAM: pam_unix must accept the empty password (Debian's default has nullok).
  const pamWithNullok = PAM_FILES.filter((f) => pamAllowsEmptyPasswords(readTextIfExists(f) ?? ''));
  add(
    pamWithNullok.length
      ? { id: 'pam-nullok', title: 'PAM accepts empty passwords', status: 'ok', detail: `pam_unix nullok in ${pamWithNullok.join(', ')}` }
      : { id: 'pam-nullok', title: 'PAM accepts empty passwords', status: 'fail', detail: `No pam_unix.so line with nullok in ${PAM_FILES.join(' or ')}: the empty-password login is refused.`, fix: 'Add nullok to the "auth ... pam_unix.so" line of /etc/pam.d/common-auth.' },
  );

  // sshd_config: our block, exactly once, and a config sshd accepts.
  const configText = readTextIfExists(o.sshdConfig);
  if (configText === undefined) {
    add({ id: 'sshd-config', title: 'sshd_config', status: 'fail', detail: `${o.sshdConfig} cannot be read${root ? '' : ' (run the doctor as root)'}.`, fix: `Pass the config your sshd reads with --sshd-config.` });
  } else {
    const blocks = countManagedBlocks(configText, o.guestUser);
    add(
      blocks === 1
        ? { id: 'sshd-config', title: 'sshd_config', status: 'ok', detail: `${o.sshdConfig} holds the Match User ${o.guestUser} block.` }
        : { id: 'sshd-config', title: 'sshd_config', status: blocks === 0 ? 'fail' : 'warn', detail: `${o.sshdConfig} holds ${blocks} Guest Broadcast blocks for ${o.guestUser}.`, fix: setup },
    );
  }

  // What sshd will really apply to the guest (Include files and other Match blocks included).
  const t = await runCommand(o.sshdPath, ['-T', '-C', `user=${o.guestUser},host=localhost,addr=127.0.0.1`, '-f', o.sshdConfig]);
  let forceCommand: string | undefined;
  let chroot: string | undefined;
  let effective: Map<string, string> | undefined;
  if (t.code !== 0) {
    const why = (t.stderr || t.stdout).trim().split('\n')[0];
    // A machine whose sshd never ran has no /run/sshd yet, and sshd -T refuses to start without it.
    const fix = !root
      ? 'Run the doctor as root: sshd -T needs root.'
      : /privilege separation directory/i.test(why)
        ? `Create it: mkdir -m 0755 /run/sshd (starting sshd does that: ${startSshdCommand(o.sshdConfig, o.sshdPath)})`
        : `Fix ${o.sshdConfig} (sshd -t -f ${o.sshdConfig} shows the problem).`;
    add({ id: 'sshd-options', title: 'sshd options for the guest', status: root ? 'fail' : 'skip', detail: `sshd -T failed: ${why}`, fix });
  } else {
    effective = parseSshdT(t.stdout);
    forceCommand = effective.get('forcecommand');
    chroot = effective.get('chrootdirectory');
    const expected = expectedSshdOptions({ wrapperPath: forceCommand ?? '', chrootDir: o.chrootDir ?? (chroot && chroot !== 'none' ? chroot : undefined) });
    const wrong: string[] = [];
    for (const [key, want] of Object.entries(expected)) {
      if (key === 'forcecommand') continue; // judged with the wrapper below
      const got = effective.get(key);
      if (got !== want) wrong.push(`${key} is ${got ?? '(unset)'}, wants ${want}`);
    }
    const methods = effective.get('authenticationmethods');
    if (methods && methods !== 'any') wrong.push(`authenticationmethods is ${methods}: it breaks the empty-password login, remove it for ${o.guestUser}`);
    if (effective.get('usepam') !== 'yes') wrong.push('usepam is no: the empty password goes through PAM');
    if (!forceCommand || forceCommand === 'none') wrong.push('no ForceCommand: the guest would get a shell');
    add(
      wrong.length
        ? { id: 'sshd-options', title: 'sshd options for the guest', status: 'fail', detail: wrong.join('; '), fix: setup }
        : { id: 'sshd-options', title: 'sshd options for the guest', status: 'ok', detail: `ForceCommand ${forceCommand}, empty password allowed, forwarding off${chroot && chroot !== 'none' ? `, chroot ${chroot}` : ''}` },
    );
  }

  // The sshd itself: running, listening where its config says, with this config.
  if (configText !== undefined) {
    const want = effective ? parseListenAddresses(effective.get('listenaddress')) : listenAddressesFromConfigText(configText);
    add({ id: 'sshd-running', title: 'sshd running', ...checkSshdService(o.sshdConfig, o.sshdPath, want) });
  }

  // The forced command: runs the read-only attach for this socket and session.
  if (forceCommand && forceCommand !== 'none') {
    const prefix = chroot && chroot !== 'none' ? chroot : '';
    const file = prefix + forceCommand;
    const text = readTextIfExists(file);
    const guestSocket = prefix && o.socketPath.startsWith(prefix + '/') ? o.socketPath.slice(prefix.length) : o.socketPath;
    const attach = shellCommand(guestAttachArgv({ socketPath: guestSocket, sessionName: o.sessionName, tmuxBin: o.tmuxPath }));
    const lines = text?.split('\n').map((line) => line.trim()) ?? [];
    // The relay line, with whichever perl the setup found (it may not be the doctor's).
    const relayedWith = (perlPath: string): string => wrapperAttachLine({ guestSocketPath: guestSocket, sessionName: o.sessionName, tmuxPath: o.tmuxPath, perlPath, wrapperPath: forceCommand });
    const perlInWrapper = lines.map((line) => line.split(' ')[0]).find((word) => word.startsWith('/') && lines.includes(relayedWith(word)));
    // Wrappers from before the size relay attach directly (some with exec): still read-only.
    const unrelayed = lines.some((line) => line === attach || line === `exec ${attach}`);
    let problem: string | undefined;
    if (text === undefined) problem = `${file} does not exist.`;
    else if (!perlInWrapper && !unrelayed) problem = `${file} does not attach read-only to ${guestSocket} (session ${o.sessionName}).`;
    else {
      try {
        accessSync(file, constants.X_OK);
        if ((statSync(file).mode & 0o005) !== 0o005) problem = `${file} is not readable and executable by other users.`;
      } catch {
        problem = `${file} is not executable.`;
      }
    }
    if (problem) add({ id: 'wrapper', title: 'forced command', status: 'fail', detail: problem, fix: setup });
    else if (!perlInWrapper) add({ id: 'wrapper', title: 'forced command', status: 'warn', detail: `${file} attaches without the size relay: a guest claiming a huge window can stall the broadcast's tmux, and guests' terminals get clipboard writes and titles your tmux config turns on.`, fix: setup });
    else if (!text?.includes(guestFilterPerl().trim())) add({ id: 'wrapper', title: 'forced command', status: 'warn', detail: `${file} runs a size relay from an older setup, without the guests' output rule: with set-clipboard or set-titles on in your tmux config, guests' terminals get clipboard writes and titles.`, fix: setup });
    else if (!text?.includes(RELAY_DROPS_INPUT)) add({ id: 'wrapper', title: 'forced command', status: 'warn', detail: `${file} runs a size relay from an older setup that passes guests' keys to their read-only tmux client: a guest can run the commands tmux allows read-only clients (C-b ) or ( to switch sessions, C-b s), and would be shown a second session for a moment if one ever existed.`, fix: setup });
    else add({ id: 'wrapper', title: 'forced command', status: 'ok', detail: `${file}: ${attach}, behind the size relay` });
    if (!problem && perlInWrapper) add(await relayCheck(o, prefix, forceCommand, perlInWrapper, setup));
    if (prefix && !o.socketPath.startsWith(prefix + '/')) {
      const inside = `${prefix}/var/lib/tmux-sessions/guest`;
      add({ id: 'chroot-socket', title: 'socket inside the chroot', status: 'fail', detail: `The guest is chrooted to ${prefix} but the socket ${o.socketPath} is outside it.`, fix: `Broadcast on a socket under ${prefix} (--socket ${inside}) and run ${setupCommand({ ...o, socketPath: inside, chrootDir: prefix })}` });
    }
  }

  // The socket: every folder above it searchable, the socket writable by the guest, the ACL.
  const socketDir = dirname(o.socketPath);
  const blocked = untraversableParents(o.socketPath).filter((d) => existsSync(d));
  if (!existsSync(socketDir)) {
    add({ id: 'socket-path', title: 'socket folders searchable', status: 'fail', detail: `The socket folder ${socketDir} does not exist.`, fix: setup });
  } else if (blocked.length) {
    add({ id: 'socket-path', title: 'socket folders searchable', status: 'fail', detail: `${blocked.join(', ')} cannot be searched by other users, so ${o.guestUser} cannot reach the socket.`, fix: blocked.map((d) => asRoot(`chmod o+x ${d}`)).join('; ') });
  } else {
    add({ id: 'socket-path', title: 'socket folders searchable', status: 'ok', detail: `every folder above ${o.socketPath} is searchable` });
  }
  const tmux = new Tmux(o.socketPath, o.tmuxPath);
  const markers = await readMarkers(tmux).catch(() => undefined);
  if (!markers) {
    add({ id: 'broadcast', title: 'broadcast running', status: 'skip', detail: `No broadcast runs on ${o.socketPath}, so socket access cannot be checked.`, fix: `Start one: ${hostCommand(o)}` });
  } else {
    const problems: string[] = [];
    const fixes: string[] = [];
    if (markers.session !== o.sessionName) {
      problems.push(`it broadcasts session "${markers.session}", the guest attaches to "${o.sessionName}"`);
      fixes.push(setupCommand({ ...o, sessionName: markers.session }));
    }
    if ((statSync(o.socketPath).mode & 0o002) === 0) {
      problems.push(`the socket is not writable by ${o.guestUser}`);
      fixes.push('restart the broadcast (guest-broadcast host re-applies the permission fixup)');
    }
    const acl = await tmux.run(['server-access', '-l']).catch(() => undefined);
    const servedUser = markers['guest-user'];
    if (markers.mode === 'system' && servedUser && servedUser !== o.guestUser) {
      // The permission fixup lets in the host's --guest-user only, and re-applies that after
      // every tmux restart: a server-access line added by hand would not last.
      problems.push(`the broadcast was started for the guest user ${servedUser}, not ${o.guestUser}`);
      fixes.push(`stop it (guest-broadcast stop --mode system --socket ${o.socketPath}) and start it with: ${hostCommand(o)}`);
    } else if (acl !== undefined && !new RegExp(`^${o.guestUser} \\(R\\)$`, 'm').test(acl)) {
      problems.push(`server-access does not list ${o.guestUser} read-only`);
      fixes.push(`tmux -S ${o.socketPath} server-access -a -r ${o.guestUser}`);
    }
    add(
      problems.length
        ? { id: 'broadcast', title: 'guest can reach the broadcast', status: 'fail', detail: problems.join('; '), fix: fixes.join('; ') }
        : { id: 'broadcast', title: 'guest can reach the broadcast', status: 'ok', detail: `session "${markers.session}" on ${o.socketPath}, ${o.guestUser} listed read-only` },
    );
  }

  return { ok: checks.every((c) => c.status !== 'fail'), checks };
}

const MARK: Record<CheckStatus, string> = { ok: 'ok  ', warn: 'WARN', fail: 'FAIL', skip: 'skip' };

export function formatDoctorReport(report: DoctorReport): string {
  const lines: string[] = [];
  for (const c of report.checks) {
    lines.push(`[${MARK[c.status]}] ${c.title}: ${c.detail}`);
    if (c.fix && c.status !== 'ok') lines.push(`       fix: ${c.fix}`);
  }
  const failed = report.checks.filter((c) => c.status === 'fail').length;
  lines.push(failed ? `${failed} problem${failed === 1 ? '' : 's'} found.` : 'Guests can watch: everything checked is in place.');
  return lines.join('\n');
}
