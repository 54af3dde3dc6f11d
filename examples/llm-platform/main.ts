import * as path from 'path';
import { EXAMPLE_NAME, synthesizeLlmPlatform } from './platform';

const outDir = path.resolve(__dirname, '..', '..', 'out', EXAMPLE_NAME);
synthesizeLlmPlatform(outDir);
console.log(`synthesized ${EXAMPLE_NAME} into ${path.relative(process.cwd(), outDir)}/ (k8s/, tf/, plan.md, plan.json)`);
