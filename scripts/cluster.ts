/**
 * `npm run cluster`: OneStop in its production shape on this machine (docs/deployment.md). Temporal
 * built from its Go module and run as separate services on PostgreSQL with SQL visibility, two
 * OneStop workers and two API processes from their production entries, haproxy in front on
 * CLUSTER_PORT (8080). Data in CLUSTER_DATA_DIR (data/cluster); DATABASE_URL for another PostgreSQL.
 * Ctrl-C stops everything; the next run finds every case where it was.
 */
import path from 'node:path';
import exitHook from 'async-exit-hook';
import { pino } from 'pino';
import { startCluster, type Cluster } from '../infra/cluster/cluster.js';
import { ensureWebBuilt } from './build-web.js';

const logger = pino({ name: 'cluster', level: process.env.LOG_LEVEL ?? 'info' });
// Set once the cluster is up; Ctrl-C before that stops what startCluster had started (it cleans up after itself).
const running: { cluster?: Cluster } = {};

exitHook.forceExitTimeout(60_000);
exitHook((done) => {
  logger.info('stopping the cluster');
  void (running.cluster?.stop() ?? Promise.resolve()).finally(done);
});

const dataDir = path.resolve(process.env.CLUSTER_DATA_DIR ?? 'data/cluster');
if (await ensureWebBuilt()) logger.info('built the web app into dist/web');
const cluster = await startCluster({
  dataDir,
  databaseUrl: process.env.DATABASE_URL,
  port: Number(process.env.CLUSTER_PORT ?? 8080),
  temporalPortBase: Number(process.env.TEMPORAL_PORT_BASE ?? 7233),
  logger,
});
running.cluster = cluster;
logger.info(
  {
    url: cluster.url,
    temporal: cluster.temporalAddress,
    processes: [...Object.values(cluster.temporal).filter((p) => p !== undefined), ...cluster.workers, ...cluster.apis, cluster.haproxy].map(
      (p) => `${p.name} (pid ${p.pid})`,
    ),
    logs: path.join(dataDir, 'logs'),
  },
  'OneStop cluster is up (Ctrl-C stops everything)',
);
logger.info(
  `tokens for the API: AUTH_JWT_SECRET=$(jq -r .AUTH_JWT_SECRET ${path.join(dataDir, 'secrets.json')}) npm run -s token -- --sub alice --name "Alice Li" --roles caseworker --dept service-centre`,
);
