import { cdk8s, javascript, JsonFile } from 'projen';

/**
 * ai-datacenter-constructs: capacity-planned GPU infrastructure for Kubernetes.
 * Recipe and pitfalls: ../shared/BUILD-NOTES.md (measured on this machine).
 */
const project = new cdk8s.ConstructLibraryCdk8s({
  name: 'ai-datacenter-constructs',
  description:
    'Construct library that sizes and emits GPU infrastructure for training and serving large models on Kubernetes (cdk8s + cdktf).',
  author: 'ai-datacenter-constructs maintainers',
  authorAddress: 'maintainers@users.noreply.example',
  repositoryUrl: 'https://github.com/ai-datacenter-constructs/ai-datacenter-constructs.git',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  minNodeVersion: '20.9.0',
  jsiiVersion: '~6.0.0',
  typescriptVersion: '~6.0.3',
  cdk8sVersion: '2.70.106',
  constructsVersion: '10.8.1',
  cdk8sVersionPinning: true,
  constructsVersionPinning: true,

  github: false,
  release: false,
  depsUpgrade: false,
  buildWorkflow: false,
  pullRequestTemplate: false,
  package: false,
  docgen: true,

  peerDeps: [
    'cdk8s-plus-28@^2.5.6',
    'cdktf@^0.21.0',
    '@cdktf/provider-kubernetes@^12.1.1',
    '@cdktf/provider-helm@^12.1.2',
  ],
  devDeps: [
    'cdk8s-plus-28@2.5.6',
    'cdktf@0.21.0',
    '@cdktf/provider-kubernetes@12.1.1',
    '@cdktf/provider-helm@12.1.2',
    'cdk8s-cli@^2.207.60',
    'kubernetes-models@4.5.1',
    'ajv@^8.20.0',
    'ajv-formats@^3.0.1',
    're2-wasm@^1.0.2',
    'fast-check@^4.10.2',
    '@monokle/validation@^0.33.0',
    '@xmldom/xmldom',
  ],
  bundledDeps: ['yaml@^2.9.1', 'highs@^1.15.3'],
  bin: { aidc: 'bin/aidc' },

  jestOptions: {
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      collectCoverage: false,
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      testTimeout: 120_000,
    },
  },
  tsconfigDev: { include: ['../examples/**/*.ts', '../bench/**/*.ts', '../projenrc/**/*.ts'] },
  eslintOptions: { dirs: ['src'], devdirs: ['test', 'examples', 'bench', 'projenrc', '.projenrc.ts'], ignorePatterns: ['src/k8s/imports/**'] },
  gitignore: ['/out/', '/bench/results/*.tmp'],
  npmIgnoreOptions: { ignorePatterns: ['/examples/', '/bench/', '/out/', '/.ci/'] },
});

project.eslint?.addRules({
  // Catalog tables and compact object literals read better several properties to a line.
  '@stylistic/object-property-newline': 'off',
  '@stylistic/max-len': ['error', { code: 200, ignoreUrls: true, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreComments: true }],
  // Seeded PRNGs, hashes and power-of-two tests in placement/inference use bit operations on purpose.
  'no-bitwise': 'off',
  // Static catalog members must follow the registry they register into.
  '@typescript-eslint/member-ordering': 'off',
});

// ESLint's project service finds the nearest tsconfig.json: give examples/ and bench/ one.
for (const dir of ['examples', 'bench']) {
  new JsonFile(project, `${dir}/tsconfig.json`, {
    obj: { extends: '../test/tsconfig.json', include: ['**/*.ts', '../src/**/*.ts'] },
  });
}

project.tasks.addEnvironment('JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION', '20');

// `npm ci` fails on this registry (BUILD-NOTES): use `npm install`, which respects the lockfile.
project.tasks.tryFind('install:ci')?.reset('npm install');

// Type errors in tests pass silently under ts-jest isolatedModules (BUILD-NOTES): type-check first.
project.testTask.prependExec('tsc --noEmit -p test/tsconfig.json');

project.addTask('synth', {
  description: 'Synthesize the flagship example into out/<example>/ (k8s/, tf/, plan.md, plan.json)',
  exec: 'ts-node --transpile-only examples/llm-platform/main.ts',
});

project.addTask('import-crds', {
  description: 'Regenerate src/k8s/imports from ../shared/schemas/crds with cdk8s import',
  exec: 'ts-node --transpile-only projenrc/import-crds.ts',
});

const benches = ['training', 'placement', 'forecast', 'elasticity', 'latency', 'synthesis'];
for (const name of benches) {
  project.addTask(`bench:${name}`, {
    description: `Benchmark ${name}; writes bench/results/${name}.{json,md}`,
    exec: `ts-node --transpile-only bench/${name}.bench.ts`,
  });
}
const bench = project.addTask('bench', { description: 'Run every benchmark and assemble BENCHMARKS.md' });
for (const name of benches) bench.spawn(project.tasks.tryFind(`bench:${name}`)!);
bench.exec('ts-node --transpile-only bench/write-benchmarks.ts');
project.addTask('bench:report', { description: 'Assemble BENCHMARKS.md from bench/results', exec: 'ts-node --transpile-only bench/write-benchmarks.ts' });

project.synth();
