// The order in which a guest logs in, as the original recipe expects and a person would hope:
//   1. none                          (OpenSSH lets an empty-password account in right here)
//   2. password ""                   (PermitEmptyPasswords + pam nullok)
//   3. keyboard-interactive, empty   (no prompts, or Enter on each)
//   4. the SSH agent (SSH_AUTH_SOCK)
//   5. key files: the target's IdentityFile list, else ~/.ssh/id_ed25519, id_ecdsa, id_rsa
//   6. only now, and only if the server still offers it: a key passphrase, then a password
//      (or keyboard-interactive prompts), asked through prompts.askSecret.
// Each step runs only when the server offers its method. Answers are kept for the session's
// lifetime so a reconnect does not ask again. When everything fails the error names the
// methods the server offered and what was tried.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AnyAuthMethod, AuthenticationType, AuthHandlerMiddleware, KeyboardInteractiveCallback, Prompt, utils } from 'ssh2';
import type { GivenPassword } from './types';
import { visibleText } from './visibleText';

/** Login refused or cancelled: reconnecting would not help, so it is never retried. */
export class AuthError extends Error {
  override name = 'AuthError';
}

export interface AuthContext {
  user: string;
  /** For messages: "guest@host:2222". */
  label: string;
  home: string;
  identityFiles: string[];
  agentSocket?: string;
  askSecret(prompt: string): Promise<string | undefined>;
  /** Secrets already given in this session (password, passphrases), by what they unlock. */
  secrets: Map<string, string>;
  /** A password given up front: used instead of asking for the password (never for key passphrases). */
  givenPassword?: GivenPassword;
}

type Step = { describe: string; method: AuthenticationType; make: () => Promise<AnyAuthMethod | 'skip' | 'cancel'> };

const DEFAULT_KEYS = ['id_ed25519', 'id_ecdsa', 'id_rsa'];

export function isEncryptedKeyError(error: Error): boolean {
  return /encrypted|passphrase/i.test(error.message);
}

function readKey(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

export class AuthPlan {
  /** Methods the server said it accepts (from its last refusal). */
  offered: AuthenticationType[] = [];
  readonly tried: string[] = [];
  private steps: Step[];
  private cancelled = false;

  constructor(private readonly ctx: AuthContext) {
    this.steps = this.buildSteps();
  }

  private keyFiles(): string[] {
    return this.ctx.identityFiles.length ? this.ctx.identityFiles : DEFAULT_KEYS.map((k) => join(this.ctx.home, '.ssh', k));
  }

  private buildSteps(): Step[] {
    const { user } = this.ctx;
    const steps: Step[] = [
      { describe: 'none', method: 'none', make: async () => ({ type: 'none', username: user }) },
      { describe: 'empty password', method: 'password', make: async () => ({ type: 'password', username: user, password: '' }) },
      {
        describe: 'keyboard-interactive (empty)',
        method: 'keyboard-interactive',
        make: async () => ({ type: 'keyboard-interactive', username: user, prompt: (_n: string, _i: string, _l: string, prompts: Prompt[], finish: KeyboardInteractiveCallback) => finish(prompts.map(() => '')) }),
      },
    ];
    if (this.ctx.agentSocket) {
      const agent = this.ctx.agentSocket;
      steps.push({ describe: 'the SSH agent', method: 'publickey', make: async () => ({ type: 'agent', username: user, agent }) });
    }
    const encrypted: string[] = [];
    for (const path of this.keyFiles()) {
      steps.push({
        describe: `key ${path}`,
        method: 'publickey',
        make: async () => {
          const data = readKey(path);
          if (!data) return 'skip';
          const parsed = utils.parseKey(data);
          if (parsed instanceof Error) {
            if (isEncryptedKeyError(parsed)) encrypted.push(path);
            return 'skip';
          }
          return { type: 'publickey', username: user, key: data };
        },
      });
    }
    // Passphrases come after every unencrypted way in, and only for keys that need one.
    const passphraseStep: Step = {
      describe: 'a key passphrase',
      method: 'publickey',
      make: async () => {
        const path = encrypted.shift();
        if (!path) return 'skip';
        // Come back to this step for the next encrypted key.
        if (encrypted.length) this.steps.unshift(passphraseStep);
        const data = readKey(path)!;
        const passphrase = await this.secret(`passphrase:${path}`, `Passphrase for the key ${path}:`);
        if (passphrase === undefined) return 'cancel';
        if (utils.parseKey(data, passphrase) instanceof Error) {
          this.ctx.secrets.delete(`passphrase:${path}`); // wrong: do not offer it again on reconnect
          return 'skip';
        }
        return { type: 'publickey', username: user, key: data, passphrase };
      },
    };
    steps.push(passphraseStep);
    steps.push({
      describe: 'a password',
      method: 'password',
      make: async () => {
        const password = this.ctx.givenPassword?.value ?? (await this.secret('password', `Password for ${this.ctx.label}:`));
        return password === undefined ? 'cancel' : { type: 'password', username: user, password };
      },
    });
    steps.push({
      describe: 'keyboard-interactive',
      method: 'keyboard-interactive',
      make: async () => ({
        type: 'keyboard-interactive',
        username: user,
        prompt: (name: string, instructions: string, _lang: string, prompts: Prompt[], finish: KeyboardInteractiveCallback) => {
          // The server's own words: shown with their control characters made visible (visibleText.ts).
          const heading = [visibleText(name), visibleText(instructions, { lines: true })].join('\n');
          void this.answerPrompts(heading, prompts).then(finish);
        },
      }),
    });
    return steps;
  }

  private async secret(key: string, prompt: string): Promise<string | undefined> {
    const cached = this.ctx.secrets.get(key);
    if (cached !== undefined) return cached;
    const answer = await this.ctx.askSecret(prompt);
    if (answer !== undefined) this.ctx.secrets.set(key, answer);
    return answer;
  }

  /** Asks each of the server's prompts; the server's title and instructions come first. */
  private async answerPrompts(heading: string, prompts: Prompt[]): Promise<string[]> {
    const answers: string[] = [];
    for (const p of prompts) {
      // A hidden prompt is the server asking for the password: a given one answers it.
      if (!p.echo && this.ctx.givenPassword) {
        answers.push(this.ctx.givenPassword.value);
        continue;
      }
      const text = [...heading.split('\n').map((l) => l.trim()), visibleText(p.prompt.trim())].filter(Boolean).join('\n');
      const answer = await this.secret(`kbd:${p.prompt}`, text || `Answer for ${this.ctx.label}:`);
      if (answer === undefined) {
        this.cancelled = true;
        return prompts.map(() => '');
      }
      answers.push(answer);
    }
    return answers;
  }

  /** The ssh2 authHandler: picks the next step the server still accepts. */
  readonly handler: AuthHandlerMiddleware = (methodsLeft, _partial, next) => {
    if (methodsLeft) this.offered = methodsLeft;
    void this.nextMethod(methodsLeft).then((m) => next(m as AnyAuthMethod), () => next(false as unknown as AnyAuthMethod));
  };

  private async nextMethod(methodsLeft: AuthenticationType[] | null): Promise<AnyAuthMethod | false> {
    for (let step = this.steps.shift(); step; step = this.steps.shift()) {
      if (this.cancelled) return false;
      // Before the first refusal the server has listed nothing: only `none` goes first.
      if (methodsLeft ? !methodsLeft.includes(step.method) : step.method !== 'none') continue;
      const made = await step.make();
      if (made === 'skip') continue;
      if (made === 'cancel') {
        this.cancelled = true;
        return false;
      }
      this.tried.push(step.describe);
      return made;
    }
    return false;
  }

  /** The error to show when ssh2 gives up ("All configured authentication methods failed"). */
  failure(): AuthError {
    if (this.cancelled) return new AuthError(`Login to ${this.ctx.label} cancelled.`);
    const offered = this.offered.length ? this.offered.join(', ') : 'nothing we could use';
    const given = this.ctx.givenPassword;
    if (given && this.tried.some((t) => t === 'a password' || t === 'keyboard-interactive')) {
      return new AuthError(`Could not log in to ${this.ctx.label} as "${this.ctx.user}": the server refused the password from ${given.from}. Check it with the host (guest-broadcast passphrase prints the current one).`);
    }
    return new AuthError(
      `Could not log in to ${this.ctx.label} as "${this.ctx.user}". The server offers: ${offered}. Tried: ${this.tried.join(', ') || 'nothing'}. ` +
        `Check the user name, load your key into ssh-agent or pass an identity file, or ask the host how guests log in.`,
    );
  }
}
