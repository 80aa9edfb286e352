// The NATS client the relay route uses, in a module of its own that the route imports only when
// it starts (a broadcast without relays never loads it). Static imports here, one dynamic import
// of THIS module there: in dist/extension.js a dynamic import of the npm package itself reached
// the lazy stand-in (scripts/lazyModules.mjs) through a chunk that exports only `default`, so
// `const { connect } = await import('@nats-io/transport-node')` read undefined ("connect is not
// a function") and guestBroadcast.relay could not start. A module of ours keeps its named exports
// in any bundle.
export { connect } from '@nats-io/transport-node';
export { Kvm } from '@nats-io/kv';
