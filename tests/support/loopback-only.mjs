// Loaded into every Node process of `npm test` (scripts/test.mjs sets
// NODE_OPTIONS=--import=… for the suites, and the processes they start
// inherit it: wrangler's, npm's, the test files'): a connection to anything
// but this machine is refused before it is made, and said on stderr, so
// that a test sends nothing off the machine, whatever a tool it runs would
// do (wrangler's banner, for one, asked npm's registry for its newest
// version until its banner was turned off).
import net from 'node:net';

const LOCAL_NAMES = new Set(['localhost', '']);
const local = (host) => {
  const h = String(host ?? '').replace(/^\[|\]$/g, '').toLowerCase();
  if (LOCAL_NAMES.has(h) || h.endsWith('.localhost')) return true;
  if (net.isIPv4(h)) return h.startsWith('127.');
  if (net.isIPv6(h)) return h === '::1' || /^::ffff:127\./.test(h);
  return false;
};

const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function guarded(...args) {
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  const options = typeof first === 'object' && first !== null ? first : { port: first, host: args[1] };
  // a Unix socket (a path, no port: an HTTPS request's options carry its URL's path too), or this machine
  if ((options.port == null && options.path != null) || local(options.host ?? 'localhost')) return connect.apply(this, args);
  const refused = new Error(`refused: a connection to ${options.host}:${options.port}, off this machine, from a test`);
  process.stderr.write(`${refused.message}\n`);
  process.nextTick(() => this.destroy(refused));
  return this;
};
