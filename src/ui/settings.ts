// The `guestBroadcast.*` settings, read once per start: a running broadcast keeps what it was
// started with, so a change takes effect on the next start (never half-way through one). The
// host's options are checked by the one model (src/host/options), as the CLI's flags are.
import * as vscode from 'vscode';
import { HostOptionKey, SETTING_NAMES } from '../host/options/names';
import { HostOptionError, HostOptions, parseHostOptions, RawHostOptions } from '../host/options/parse';

export interface HostSettings extends HostOptions {
  notifyOnJoin: boolean;
}

/** A setting with a value we cannot use; the message names the setting and what to do. */
export class SettingsError extends Error {}

const SECTION = 'guestBroadcast';

export function readHostSettings(): HostSettings {
  const c = vscode.workspace.getConfiguration(SECTION);
  // Each setting as settings.json holds it (any JSON type), or its default from package.json.
  const raw: RawHostOptions = {};
  for (const [key, name] of Object.entries(SETTING_NAMES) as Array<[HostOptionKey, string]>) raw[key] = c.get<unknown>(name.slice(SECTION.length + 1));
  let host: HostOptions;
  try {
    // 'keep': settings of the mode not in use stay, checked, for when the user switches back.
    host = parseHostOptions(raw, SETTING_NAMES, 'keep');
  } catch (error) {
    if (error instanceof HostOptionError) throw new SettingsError(error.message);
    throw error;
  }
  return { ...host, notifyOnJoin: c.get<boolean>('notifyOnJoin', true) };
}

/** The setting a field of HostSettings comes from, for "changed settings apply after Stop and Start". */
export function settingName(field: keyof HostSettings): string {
  if (field === 'notifyOnJoin') return `${SECTION}.notifyOnJoin`;
  const key: HostOptionKey = field === 'loginTimeoutMs' ? 'loginTimeout' : field;
  return (SETTING_NAMES as Partial<Record<HostOptionKey, string>>)[key] ?? `${SECTION}.${key}`;
}
