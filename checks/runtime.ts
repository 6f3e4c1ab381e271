/**
 * runtime: what the doctor itself runs on. Informational: it names the Node.js version, the operating
 * system and the doctor's version, so a report read by someone else says where it came from.
 */
import { defineCheck } from '../src/check.js';
import {
  compareVersions,
  MINIMUM_NODE,
  NODE_END_OF_LIFE,
  parseVersion,
  RECOMMENDED_NODE_LINES,
} from '../src/knowledge/node-releases.js';
import { evidence, fix, pass, warn } from '../src/result.js';

const NODE_DOWNLOAD = 'https://nodejs.org/en/download';

export const runtime = defineCheck({
  id: 'runtime',
  title: 'Node.js and operating system the doctor runs on',
  dependsOn: [],
  async run(ctx) {
    const { node, arch, osType, osRelease, doctorVersion } = ctx.runtime;
    const version = parseVersion(node);
    const os = `${describeOs(osType)} ${osRelease} (${arch})`;
    const facts = [
      evidence('exo-doctor', doctorVersion),
      evidence('Node.js', node),
      evidence('Operating system', os),
    ];
    const summary = `exo-doctor ${doctorVersion} on Node.js ${node}, ${describeOs(osType)} ${arch}`;

    const minimum = parseVersion(MINIMUM_NODE) as [number, number, number];
    if (!version || compareVersions(version, minimum) < 0) {
      return warn(`${summary}: older than the Node.js ${MINIMUM_NODE} the doctor supports; results may be wrong.`, {
        evidence: facts,
        remediation: fix({
          summary: `Install ${RECOMMENDED_NODE_LINES} and run the doctor again.`,
          runBy: 'admin',
          links: [NODE_DOWNLOAD],
        }),
      });
    }

    const endOfLife = NODE_END_OF_LIFE[version[0]];
    if (endOfLife && ctx.now() >= new Date(`${endOfLife}T00:00:00Z`)) {
      // Not a cause of any Exchange failure, so not a warning: said once, as a fact.
      facts.push(evidence('Node.js support', `Node.js ${version[0]} reached end of life on ${endOfLife}; ${RECOMMENDED_NODE_LINES} is maintained`));
    }
    return pass(summary, { evidence: facts });
  },
});

function describeOs(osType: string): string {
  switch (osType) {
    case 'Windows_NT':
      return 'Windows';
    case 'Darwin':
      return 'macOS (Darwin)';
    default:
      return osType;
  }
}
