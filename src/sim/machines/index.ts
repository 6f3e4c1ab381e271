/**
 * Built-in machines a scenario's `machine` can extend by name (`"machine": { "extends": "windows-11" }`),
 * stating only what differs; a `null` entry removes an inherited file, registry key or value, command or
 * variable. Each is data in the shape of src/sim/machine.ts's MachineSpec, with a `description`.
 */
import windows11 from './windows-11.json';

export const BUILT_IN_MACHINES: Readonly<Record<string, Record<string, unknown>>> = {
  'windows-11': windows11,
};
