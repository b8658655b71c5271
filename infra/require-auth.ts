/** Production entries (`npm run api`, `npm run worker`) stop at once when token verification is not configured. */
import { AuthConfigError, resolveAuth, type AuthSettings } from './auth-settings.js';
import type { Config } from './config.js';

export function authOrExit(config: Config): AuthSettings {
  try {
    return resolveAuth(config, { allowDevelopmentSecret: false });
  } catch (err) {
    if (!(err instanceof AuthConfigError)) throw err;
    process.stderr.write(`onestop: refusing to start: ${err.message}\n`);
    process.exit(1);
  }
}
