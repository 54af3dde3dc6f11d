import * as path from 'path';
import { EXAMPLE_NAME, synthesizeLlmPlatform } from './platform';

const outDir = path.resolve(__dirname, '..', '..', 'out', EXAMPLE_NAME);
synthesizeLlmPlatform(outDir).then(
  () => console.log(`synthesized ${EXAMPLE_NAME} into ${path.relative(process.cwd(), outDir)}/ (k8s/, tf/, plan.md, plan.json)`),
  (e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exitCode = 1;
  },
);
