/**
 * The Temporal server a production cluster runs, built here from its Go module (go.temporal.io/server)
 * into the git-ignored .tools/temporal-server/<version>/: the server binary, Temporal's SQL schema
 * tool, and the PostgreSQL schemas of that version. Built once per version; later runs reuse it.
 * The version is the one inside the CLI's dev server (`temporal --version`), so the cluster and the
 * dev server the other tests use run the same server code.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from '../binaries.js';

const run = promisify(execFile);

export const TEMPORAL_SERVER_VERSION = '1.32.0';
const MODULE = 'go.temporal.io/server';

export interface TemporalServerBuild {
  version: string;
  /** `temporal-server`: `--config-file <yaml> start --service <name>`. */
  server: string;
  /** `temporal-sql-tool`: creates the databases and applies the schema versions. */
  sqlTool: string;
  /** `<dir>/temporal/versioned` and `<dir>/visibility/versioned`: the PostgreSQL 12+ schemas. */
  schemaDir: string;
  /** Whether this call built it (false: found built). */
  built: boolean;
  buildMs: number;
}

export const temporalServerDir = (version = TEMPORAL_SERVER_VERSION) => path.join(projectRoot, '.tools', 'temporal-server', `v${version}`);

/**
 * The server of `version`, built if missing. The build needs Go and the Go module proxy (about
 * 1.5 GB of modules and 2 GB of build cache on a fresh machine; minutes on 2 cores).
 */
export async function ensureTemporalServer(version = TEMPORAL_SERVER_VERSION, log: (line: string) => void = () => undefined): Promise<TemporalServerBuild> {
  const dir = temporalServerDir(version);
  const found = {
    version,
    server: path.join(dir, 'bin', 'server'),
    sqlTool: path.join(dir, 'bin', 'sql'),
    schemaDir: path.join(dir, 'schema', 'postgresql', 'v12'),
  };
  if (existsSync(found.server) && existsSync(found.sqlTool) && existsSync(found.schemaDir)) return { ...found, built: false, buildMs: 0 };

  const started = Date.now();
  // Built into a fresh folder, then moved into place: an interrupted build leaves nothing that looks built.
  const staging = `${dir}.building`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(path.join(staging, 'bin'), { recursive: true });
  log(`building Temporal server ${version} from ${MODULE} (once per version; minutes on a fresh machine)`);
  const env = { ...process.env, GOBIN: path.join(staging, 'bin'), GOFLAGS: '-buildvcs=false' };
  await run('go', ['install', `${MODULE}/cmd/server@v${version}`, `${MODULE}/cmd/tools/sql@v${version}`], { env, maxBuffer: 64 * 1024 * 1024 });
  // The schemas come with the module the build just downloaded.
  const { stdout } = await run('go', ['list', '-m', '-f', '{{.Dir}}', `${MODULE}@v${version}`], { env, cwd: staging });
  const moduleDir = stdout.trim();
  cpSync(path.join(moduleDir, 'schema', 'postgresql'), path.join(staging, 'schema', 'postgresql'), { recursive: true });
  // The module cache is read-only, and so is what was copied from it: make it ours to replace later.
  await run('chmod', ['-R', 'u+w', staging]);
  rmSync(dir, { recursive: true, force: true });
  renameSync(staging, dir);
  const buildMs = Date.now() - started;
  log(`built Temporal server ${version} in ${(buildMs / 1000).toFixed(0)} s`);
  return { ...found, built: true, buildMs };
}
