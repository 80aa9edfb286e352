// WatchPrompts for the CLI. An unknown host key is trusted only when a person says yes in the
// terminal, or when --accept-new was given (like OpenSSH's StrictHostKeyChecking=accept-new);
// a run nobody can answer refuses it. Passwords and passphrases are read without echo.
import { HostKeyInfo, WatchPrompts } from '../watcher/types';
import { formatTarget } from '../watcher/targetSpec';
import { PASSPHRASE_ENV } from './givenPassphrase';
import { TtyInput } from './ttyInput';

export function terminalPrompts(input: TtyInput, acceptNew: boolean, say: (line: string) => void): WatchPrompts {
  return {
    async confirmNewHostKey(info: HostKeyInfo): Promise<boolean> {
      const where = formatTarget({ user: '', host: info.host, port: info.port }).replace(/^@/, '');
      if (acceptNew) {
        say(`Trusting the new host ${where}: ${info.keyType} key ${info.fingerprint} (--accept-new).`);
        return true;
      }
      const intro = `The authenticity of host ${where} can't be established.\r\n${info.keyType} key fingerprint is ${info.fingerprint}.\r\n`;
      if (!input.interactive) {
        say(`${intro}Refusing an unknown host key without a terminal to ask in. Check the fingerprint with the host, then run again with --accept-new.`);
        return false;
      }
      const answer = await input.ask({ prompt: `${intro}Trust this host and remember its key (yes/no)? `, echo: true });
      return /^y(es)?$/i.test(answer?.trim() ?? '');
    },
    showBanner(text: string): void {
      // Like OpenSSH, on stderr before the login; already made visible by the connection.
      say(text);
    },
    async askSecret(prompt: string): Promise<string | undefined> {
      if (!input.interactive) {
        say(`No terminal to answer "${prompt.trim()}" in. A broadcast's passphrase can be given with --passphrase-file FILE or $${PASSPHRASE_ENV}.`);
        return undefined;
      }
      return input.ask({ prompt: prompt.endsWith(' ') ? prompt : prompt + ' ', echo: false });
    },
  };
}
