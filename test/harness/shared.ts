import * as fs from 'fs';
import * as path from 'path';

/** Repository root (this file is test/harness/shared.ts). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** ../shared beside the clone: upstream schemas and data, never copied into the project. */
export const SHARED_DIR = path.resolve(REPO_ROOT, '..', 'shared');

/** True when ../shared is present. */
export const HAS_SHARED = fs.existsSync(path.join(SHARED_DIR, 'schemas'));

let warned = false;

/**
 * `describe` when ../shared is present; otherwise one skipped test named after the block, after a loud warning,
 * so a fresh clone without ../shared runs the rest of the suite.
 */
export function describeWithShared(name: string, fn: () => void): void {
  if (HAS_SHARED) {
    describe(name, fn);
    return;
  }
  if (!warned) {
    warned = true;
    console.warn(`\n!!! ${SHARED_DIR} is absent: SKIPPING every test that needs upstream schemas or data.\n`);
  }
  // The body is not run at all: it may read ../shared while collecting tests.
  test.skip(`${name} [SKIPPED: ../shared absent]`, () => undefined);
}

/** Absolute path of a file under ../shared. */
export function sharedPath(...parts: string[]): string {
  return path.join(SHARED_DIR, ...parts);
}
