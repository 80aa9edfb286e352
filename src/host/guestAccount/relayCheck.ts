// The doctor's check of the size relay (sizeRelay.ts): perl can run it where the guest runs,
// and, in a chroot, the pty filesystem it opens its pty on is there.
import { existsSync, lstatSync } from 'node:fs';
import type { DoctorCheck } from './doctor';
import { isRootUser } from './applySetup';
import { GuestSetupOptions } from './options';
import { readTextIfExists, runCommand } from './systemFacts';

const ID = 'size-relay';
const TITLE = 'size relay';

function isMounted(dir: string, type: string): boolean {
  return (readTextIfExists('/proc/mounts') ?? '').split('\n').some((line) => {
    const [, where, fsType] = line.split(' ');
    return where === dir && fsType === type;
  });
}

/**
 * `chroot` is the guest's chroot folder or '' and `wrapper` the forced command as the guest sees
 * it; `setup` is the command that repairs everything.
 */
export async function relayCheck(o: GuestSetupOptions, chroot: string, wrapper: string, setup: string): Promise<DoctorCheck> {
  const fail = (detail: string, fix = setup): DoctorCheck => ({ id: ID, title: TITLE, status: 'fail', detail, fix });
  if (!chroot) {
    const r = await runCommand(o.perlPath, ['-c', '-x', wrapper]);
    if (r.code !== 0) return fail(`${o.perlPath} cannot run the relay in ${wrapper}: ${(r.stderr || r.stdout).trim().split('\n')[0] || `exit ${r.code}`}`, `Install perl (apt-get install perl-base), then: ${setup}`);
    return { id: ID, title: TITLE, status: 'ok', detail: `${o.perlPath} runs it; guests' windows are capped` };
  }
  if (!existsSync(chroot + o.perlPath)) return fail(`${chroot}${o.perlPath} is missing: guests in the chroot cannot start their view.`);
  const pts = `${chroot}/dev/pts`;
  if (!isMounted(pts, 'devpts')) return fail(`No pty filesystem is mounted on ${pts}: guests in the chroot cannot start their view.`, `sudo mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 devpts ${pts} (the setup does this and records it in /etc/fstab: ${setup})`);
  let ptmxLink = false;
  try {
    ptmxLink = lstatSync(`${chroot}/dev/ptmx`).isSymbolicLink();
  } catch {
    // missing
  }
  if (!ptmxLink) return fail(`${chroot}/dev/ptmx is not a link to pts/ptmx.`, `sudo ln -sf pts/ptmx ${chroot}/dev/ptmx`);
  if (!isRootUser()) return { id: ID, title: TITLE, status: 'ok', detail: `perl and ${pts} are in place (run the doctor with sudo to try the relay inside the chroot)` };
  const r = await runCommand('chroot', [chroot, o.perlPath, '-c', '-x', wrapper]);
  if (r.code !== 0) return fail(`perl inside ${chroot} cannot run the relay: ${(r.stderr || r.stdout).trim().split('\n')[0] || `exit ${r.code}`}`);
  return { id: ID, title: TITLE, status: 'ok', detail: `perl runs it inside ${chroot}, ${pts} is mounted; guests' windows are capped` };
}
