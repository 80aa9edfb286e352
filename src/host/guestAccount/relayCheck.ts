// The doctor's check of the size relay (sizeRelay.ts): it runs where the guest runs it, as the
// guest when the doctor is root, with a harmless command in place of tmux; in a chroot, the pty
// filesystem it needs is looked at first, for a precise fix.
import { existsSync, readlinkSync } from 'node:fs';
import type { DoctorCheck } from './doctorTypes';
import { isRootUser } from './applySetup';
import { asRoot } from './asRoot';
import { GuestSetupOptions } from './options';
import { CHROOT_PTS_DIR, CHROOT_PTS_OPTIONS } from './setupScript';
import { RELAY_TRIAL } from './sizeRelay';
import { getentPasswd, isMounted, runCommand } from './systemFacts';

const ID = 'size-relay';
const TITLE = 'size relay';

function firstLine(r: { stdout: string; stderr: string; code: number }): string {
  return (r.stderr || r.stdout).trim().split('\n').pop()?.trim() || `exit ${r.code}`;
}

/**
 * `chroot` is the guest's chroot folder or '', `wrapper` the forced command as the guest sees it,
 * `perl` the perl the wrapper runs; `setup` is the command that repairs everything.
 */
export async function relayCheck(o: GuestSetupOptions, chroot: string, wrapper: string, perl: string, setup: string): Promise<DoctorCheck> {
  const fail = (detail: string, fix = setup): DoctorCheck => ({ id: ID, title: TITLE, status: 'fail', detail, fix });
  if (chroot) {
    if (!existsSync(chroot + perl)) return fail(`${chroot}${perl} is missing: guests in the chroot cannot start their view.`);
    const pts = `${chroot}/dev/${CHROOT_PTS_DIR}`;
    if (!isMounted(pts, 'devpts')) return fail(`No pty filesystem is mounted on ${pts}: guests in the chroot cannot start their view.`, `${asRoot(`mount -t devpts -o ${CHROOT_PTS_OPTIONS} devpts ${pts}`)} (the setup does this and records it in /etc/fstab: ${setup})`);
    let link: string | undefined;
    try {
      link = readlinkSync(`${chroot}/dev/ptmx`);
    } catch {
      // missing, or not a link
    }
    if (link !== `${CHROOT_PTS_DIR}/ptmx`) return fail(`${chroot}/dev/ptmx is not a link to ${CHROOT_PTS_DIR}/ptmx.`, asRoot(`ln -sfn ${CHROOT_PTS_DIR}/ptmx ${chroot}/dev/ptmx`));
  }
  if (!isRootUser()) {
    if (chroot) return { id: ID, title: TITLE, status: 'skip', detail: `perl and ${chroot}/dev/${CHROOT_PTS_DIR} are in place; only root can try the relay inside the chroot.`, fix: 'Run the doctor as root.' };
    const r = await runCommand(perl, ['-x', wrapper, ...RELAY_TRIAL]);
    if (r.code !== 0) return fail(`${perl} cannot run the relay in ${wrapper}: ${firstLine(r)}`, `Install perl (apt-get install perl-base), then: ${setup}`);
    return { id: ID, title: TITLE, status: 'ok', detail: `it runs (tried as you; run the doctor as root to try it as ${o.guestUser}); guests' windows are capped` };
  }
  const user = await getentPasswd(o.guestUser);
  if (!user) return fail(`There is no user "${o.guestUser}" to try the relay as.`);
  const ids = `${user.uid}:${user.gid}`;
  const r = chroot
    ? await runCommand('chroot', [`--userspec=${ids}`, chroot, perl, '-x', wrapper, ...RELAY_TRIAL])
    : await runCommand('setpriv', [`--reuid=${user.uid}`, `--regid=${user.gid}`, '--clear-groups', perl, '-x', wrapper, ...RELAY_TRIAL]);
  if (r.code !== 0) return fail(`The relay does not run for ${o.guestUser}${chroot ? ` inside ${chroot}` : ''}: ${firstLine(r)}`);
  return { id: ID, title: TITLE, status: 'ok', detail: `it runs for ${o.guestUser}${chroot ? ` inside ${chroot}` : ''}; guests' windows are capped at its limits` };
}
