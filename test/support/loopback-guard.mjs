// Loaded before every test process (vitest setupFiles, and NODE_OPTIONS for the CLIs the tests spawn):
// any attempt to resolve a public name or connect to a non-loopback address throws, so a test can never
// reach the internet, whatever the code under test was told.
import dns from 'node:dns';
import net from 'node:net';
import { syncBuiltinESMExports } from 'node:module';

const isLoopback = (host) =>
  host === undefined || host === 'localhost' || /^127\./.test(host) || host === '::1' || host === '::ffff:127.0.0.1';

function refuse(what) {
  const error = new Error(`loopback guard: a test tried to reach ${what}; tests may only use 127.0.0.1`);
  error.code = 'ELOOPBACKGUARD';
  return error;
}

const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function guardedConnect(...args) {
  const first = args[0];
  const options = Array.isArray(first) ? first[0] : first;
  const host = typeof options === 'object' && options !== null ? (options.path ? undefined : options.host) : typeof options === 'number' ? args[1] : undefined;
  if (typeof host === 'string' && !isLoopback(host)) throw refuse(host);
  return connect.apply(this, args);
};

const lookup = dns.lookup;
dns.lookup = function guardedLookup(hostname, ...rest) {
  if (!isLoopback(hostname) && net.isIP(hostname) === 0) {
    const callback = rest.at(-1);
    process.nextTick(() => callback(refuse(hostname)));
    return {};
  }
  return lookup.call(this, hostname, ...rest);
};
const lookupPromise = dns.promises.lookup;
dns.promises.lookup = async function guardedLookupPromise(hostname, ...rest) {
  if (!isLoopback(hostname) && net.isIP(hostname) === 0) throw refuse(hostname);
  return lookupPromise.call(this, hostname, ...rest);
};
syncBuiltinESMExports();
