// A production route (src/host/routes) under measurement: the bench starts a fresh broadcast
// served by it, in a host process of its own (bench/host/hostProcess.ts builds the route), for
// each measurement and tears it down afterwards, so no measurement inherits another's viewers.
import { ControlClient } from '../controlClient';
import { HostHandle } from '../host/hostHandle';
import { RouteName } from '../options';
import { ViewerTarget } from '../viewerClient';
import { waitFor } from '../../test/helpers/screen';
import { PROMPT } from '../host/hostConfig';

export const SESSION = 'broadcast';

export interface RouteRun {
  readonly route: RouteName;
  readonly host: HostHandle;
  readonly target: ViewerTarget;
  /** The host's keyboard. */
  readonly control: ControlClient;
  /** Roots of the process trees whose PSS is the broadcast's memory. */
  pssRoots(): number[];
  /** Roots of the process trees that serve the viewers (the host process; sshd on the system route). */
  servingRoots(): number[];
  stop(): Promise<void>;
}

export interface RouteUnderTest {
  readonly name: RouteName;
  /** Whether two broadcasts can run at once (the flood measures one without viewers beside one with). */
  readonly concurrentRuns: boolean;
  /** Starts a fresh broadcast and waits until its shell shows the prompt. */
  start(): Promise<RouteRun>;
  /** Ends what the route set up once (sshd); resolves with what the reader must know about what stays. */
  close(): Promise<string | undefined>;
}

/** Attaches the control client and waits for the host shell's first prompt. */
export async function openRun(route: RouteName, host: HostHandle, target: ViewerTarget, extraRoots: () => number[]): Promise<RouteRun> {
  let control: ControlClient | undefined;
  try {
    control = await ControlClient.attach(host.config.socketPath, host.config.sessionName);
    const ctl = control;
    await waitFor('the host shell prompt', async () => (await ctl.command(`capture-pane -p -t ${ctl.target}`)).some((l) => l.includes(PROMPT)), 10_000);
  } catch (error) {
    control?.close();
    await host.stop();
    throw error;
  }
  const ctl = control;
  return {
    route,
    host,
    target,
    control: ctl,
    pssRoots: () => [host.pid, host.tmuxPid, ...extraRoots()],
    servingRoots: () => [host.pid, ...extraRoots()],
    async stop() {
      ctl.close();
      await host.stop();
    },
  };
}
