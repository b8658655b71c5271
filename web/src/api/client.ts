/**
 * The typed API client: openapi-fetch over the types generated from the API's /openapi.json
 * (schema.d.ts, `npm run gen:api`), so a request or answer that does not match the contract does
 * not compile. The bearer token is added from memory (session.ts); problems (RFC 9457) become
 * `ApiProblem`s the pages show.
 */
import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema';
import { currentToken, signedOut } from '../session';

export type Schemas = components['schemas'];
export type Problem = Schemas['Problem'];

export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly problem: Partial<Problem> & { errors?: { path: string; message: string }[] },
  ) {
    super(problem.detail ?? problem.title ?? `HTTP ${status}`);
  }
}

const auth: Middleware = {
  onRequest({ request }) {
    const token = currentToken();
    if (token) request.headers.set('Authorization', `Bearer ${token}`);
    return request;
  },
  onResponse({ response }) {
    if (response.status === 401 && currentToken()) signedOut('expired');
    return response;
  },
};

export const api = createClient<paths>({ baseUrl: location.origin });
api.use(auth);

/** The data of an openapi-fetch answer, or the problem thrown. */
export async function ok<T>(p: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await p;
  if (!response.ok) throw new ApiProblem(response.status, (error ?? {}) as ApiProblem['problem']);
  return data as T;
}

/** A raw call with the token, for downloads (the raw history) and CSV bodies. */
export async function rawFetch(path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  const token = currentToken();
  if (token) headers.set('Authorization', `Bearer ${token}`);
  const res = await fetch(path, { ...init, headers });
  if (!res.ok) {
    let body: unknown = {};
    try {
      body = await res.json();
    } catch {
      // not a problem document
    }
    throw new ApiProblem(res.status, body as ApiProblem['problem']);
  }
  return res;
}

/** Fetches `path` with the token and saves the answer as a file: the name its Content-Disposition gives, else `fallbackName`. */
export async function downloadFile(path: string, fallbackName: string): Promise<void> {
  const res = await rawFetch(path);
  const named = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1];
  const a = document.createElement('a');
  a.href = URL.createObjectURL(await res.blob());
  a.download = named ?? fallbackName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}
