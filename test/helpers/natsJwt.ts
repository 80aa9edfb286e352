// NATS decentralised auth without `nsc` (not installed here): an operator, an account with
// JetStream and users, their JWTs signed with @nats-io/nkeys as nats-server 2.9 reads them, and
// a user's .creds file. For tests only: nats-server trusts the operator given in its config
// (resolver MEMORY, the account preloaded).
import { createHash } from 'node:crypto';
import { createAccount, createOperator, createUser, KeyPair } from '@nats-io/nkeys';

const b64url = (data: Uint8Array | string): string => Buffer.from(data).toString('base64url');

function base32(data: Buffer): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of data) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += alphabet[(value << (5 - bits)) & 31];
  return out;
}

function sign(issuer: KeyPair, subject: string, name: string, nats: Record<string, unknown>): string {
  const claims: Record<string, unknown> = { jti: '', iat: Math.floor(Date.now() / 1000), iss: issuer.getPublicKey(), name, sub: subject, nats: { ...nats, version: 2 } };
  claims.jti = base32(createHash('sha256').update(JSON.stringify(claims)).digest());
  const head = b64url(JSON.stringify({ typ: 'JWT', alg: 'ed25519-nkey' }));
  const body = b64url(JSON.stringify(claims));
  return `${head}.${body}.${b64url(issuer.sign(Buffer.from(`${head}.${body}`)))}`;
}

export interface NatsOperator {
  /** nats-server config lines: the operator, the account preloaded. */
  config: string;
  /** A .creds file's text for a new user of the account. */
  userCreds(name: string): string;
}

export function makeNatsOperator(): NatsOperator {
  const operator = createOperator();
  const account = createAccount();
  // JetStream needs a system account (the server's own).
  const system = createAccount();
  const systemJwt = sign(operator, system.getPublicKey(), 'SYS', { type: 'account', limits: { subs: -1, conn: -1, leaf: -1, imports: -1, exports: -1, data: -1, payload: -1, wildcards: true } });
  const operatorJwt = sign(operator, operator.getPublicKey(), 'gb-test-operator', { type: 'operator' });
  const accountJwt = sign(operator, account.getPublicKey(), 'gb-test', {
    type: 'account',
    limits: { subs: -1, conn: -1, leaf: -1, imports: -1, exports: -1, data: -1, payload: -1, wildcards: true, mem_storage: -1, disk_storage: -1, streams: -1, consumer: -1 },
  });
  return {
    config: `operator: "${operatorJwt}"\nsystem_account: ${system.getPublicKey()}\nresolver: MEMORY\nresolver_preload: { ${account.getPublicKey()}: "${accountJwt}", ${system.getPublicKey()}: "${systemJwt}" }\n`,
    userCreds(name) {
      const user = createUser();
      const jwt = sign(account, user.getPublicKey(), name, { type: 'user', pub: {}, sub: {}, subs: -1, data: -1, payload: -1 });
      const seed = Buffer.from(user.getSeed()).toString('utf8');
      return `-----BEGIN NATS USER JWT-----\n${jwt}\n------END NATS USER JWT------\n\n************************* IMPORTANT *************************\nNKEY Seed printed below can be used to sign and prove identity.\n\n-----BEGIN USER NKEY SEED-----\n${seed}\n------END USER NKEY SEED------\n`;
    },
  };
}
