/**
 * The diagnosis, in order. Read top to bottom, this is the causal chain the doctor follows: the machine,
 * the network, the tenant, the sign-in, then the account and organisation. A check may only depend on
 * checks above it; the runner refuses anything else at start-up.
 */
import type { AnyCheck } from '../src/check.js';
import { clockSkew } from './clock-skew.js';
import { endpoints } from './endpoints.js';
import { inputs } from './inputs.js';
import { proxyConfig } from './proxy-config.js';
import { proxyHealth } from './proxy-health.js';
import { runtime } from './runtime.js';
import { tlsInspection } from './tls-inspection.js';

export const registry: readonly AnyCheck[] = [
  // What the doctor runs on, and what it was asked to look at.
  runtime,
  inputs,
  // The machine's proxy settings and the way each client stack goes.
  proxyConfig,
  // The network: proxies, endpoints, certificates, time.
  proxyHealth,
  endpoints,
  tlsInspection,
  clockSkew,
];
