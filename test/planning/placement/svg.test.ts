import { NodeShape } from '../../../src/planning/catalog';
import { PlacementPicture, PoolPlanner } from '../../../src/planning/placement';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { DOMParser } = require('@xmldom/xmldom');

describe('PlacementPicture', () => {
  test('the SVG is well-formed XML with one group per node and escaped names', () => {
    const plan = PoolPlanner.plan({
      nodeShape: NodeShape.of('p5.48xlarge'), maxNodes: 10, gpuSharing: true, headroomFraction: 0,
      workloads: [
        { name: 'chat<&>"x"', podCount: 1, gpusPerPod: 0.5, cpuMilliPerPod: 1000, memoryBytesPerPod: 2 ** 30, minReplicas: 3, maxReplicas: 3 },
        { name: 'train', podCount: 2, gpusPerPod: 8, cpuMilliPerPod: 1000, memoryBytesPerPod: 2 ** 30, gang: true },
      ],
    });
    const svg = PlacementPicture.svg(plan);
    const errors: string[] = [];
    const doc = new DOMParser({ onError: (level: string, msg: string) => { errors.push(`${level}: ${msg}`); } }).parseFromString(svg, 'image/svg+xml');
    expect(errors).toEqual([]);
    expect(doc.documentElement.nodeName).toBe('svg');
    expect(doc.getElementsByTagName('g').length).toBe(plan.assignment.length);
    expect(svg).toContain('chat&lt;&amp;&gt;&quot;x&quot;');
  });
});
