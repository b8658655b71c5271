/**
 * `npm run token -- --sub alice --name "Alice Li" --roles caseworker --dept health [--org CODE] [--hours 12]`
 * prints a JWT signed with the local HS256 secret (AUTH_JWT_SECRET, else the development secret).
 */
import { parseArgs } from 'node:util';
import { SignJWT } from 'jose';
import { ROLES, type Role } from '../common/types.js';
import { DEV_JWT_SECRET, loadConfig } from '../infra/config.js';

const { values } = parseArgs({
  options: {
    sub: { type: 'string' },
    name: { type: 'string' },
    roles: { type: 'string' },
    dept: { type: 'string' },
    org: { type: 'string' },
    hours: { type: 'string', default: '12' },
  },
});

function fail(message: string): never {
  console.error(
    `token: ${message}\nusage: npm run token -- --sub alice --name "Alice Li" --roles caseworker[,supervisor] [--dept health] [--org CREDITCODE] [--hours 12]`,
  );
  process.exit(2);
}

if (!values.sub) fail('--sub is required');
const roles = (values.roles ?? '')
  .split(',')
  .map((r) => r.trim())
  .filter(Boolean);
if (!roles.length) fail('--roles is required');
const unknown = roles.filter((r) => !(ROLES as readonly string[]).includes(r));
if (unknown.length) fail(`unknown role(s) ${unknown.join(', ')}; roles are ${ROLES.join(', ')}`);
const hours = Number(values.hours);
if (!Number.isFinite(hours) || hours <= 0) fail('--hours must be a positive number');

const config = loadConfig();
const secret = new TextEncoder().encode(config.AUTH_JWT_SECRET ?? DEV_JWT_SECRET);
const claims: Record<string, unknown> = { name: values.name ?? values.sub, roles: roles as Role[] };
if (values.dept) claims.dept = values.dept;
if (values.org) claims.org = values.org;
let jwt = new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject(values.sub).setIssuedAt().setExpirationTime(`${hours}h`);
if (config.AUTH_ISSUER) jwt = jwt.setIssuer(config.AUTH_ISSUER);
if (config.AUTH_AUDIENCE) jwt = jwt.setAudience(config.AUTH_AUDIENCE);
console.log(await jwt.sign(secret));
