/**
 * Builds the @google-cloud/bigquery client: the project and location the runbook
 * was given, Application Default Credentials against Google, or no credentials
 * at all against an emulator / fake endpoint.
 *
 * Three client behaviours are overridden here on purpose:
 *  - its own HTTP retries are off: bigquery.ts decides what may be retried,
 *    because a re-sent jobs.insert of a DML script must never run it twice;
 *  - with a custom endpoint it would still ask Google's auth library for
 *    credentials on every request (searching the environment and probing the
 *    metadata server over the network). An auth client that supplies no token
 *    keeps it from looking: the endpoint is the only host ever contacted;
 *  - `skipParsing` (raw rows, see bigquery-rows.ts) is a client option, but the
 *    client also forwards it to the API as a query parameter; it is removed
 *    before the request leaves, so only parameters BigQuery defines are sent.
 */
import { BigQuery, type BigQueryOptions } from '@google-cloud/bigquery';

export interface ClientSettings {
  project: string;
  location?: string;
  /** API root of an emulator or fake, e.g. http://127.0.0.1:9050; none means Google. */
  endpoint?: string;
}

const LOCAL_HOST = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?(\/|$)/;

/**
 * The endpoint to use: the option, else BIGQUERY_EMULATOR_HOST (the variable the
 * client itself honours), else none. A bare host:port gets http:// when it is
 * local (emulators speak plain HTTP) and https:// otherwise.
 */
export function resolveEndpoint(option: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const raw = (option ?? env.BIGQUERY_EMULATOR_HOST ?? '').trim();
  if (!raw) return undefined;
  const withScheme = /^https?:\/\//i.test(raw) ? raw : `${LOCAL_HOST.test(raw) ? 'http' : 'https'}://${raw}`;
  // The client appends /bigquery/v2 itself; accept either form from the user.
  return withScheme.replace(/\/+$/, '').replace(/\/bigquery\/v2$/, '');
}

type AuthClientOption = BigQueryOptions['authClient'];

/** An auth client that authorises nothing: no token, no credential search, no metadata probe. */
function anonymousAuth(project: string): AuthClientOption {
  const noToken = {
    projectId: project,
    async getRequestHeaders() { return new Headers(); },
    async getAccessToken() { return { token: null }; },
    async getProjectId() { return project; },
    async getCredentials() { return {}; },
  };
  // Structurally what GoogleAuth asks of a client; the library's nominal class type cannot be met without importing it.
  return noToken as unknown as AuthClientOption;
}

export function createClient(s: ClientSettings): BigQuery {
  const options: BigQueryOptions = {
    projectId: s.project,
    location: s.location,
    retryOptions: { autoRetry: false, maxRetries: 0 },
  };
  if (s.endpoint) {
    options.apiEndpoint = s.endpoint;
    options.authClient = anonymousAuth(s.project);
  }
  const client = new BigQuery(options);
  client.interceptors.push({
    request: (reqOpts) => {
      const opts = reqOpts as typeof reqOpts & { uri: string }; // the client has composed the full uri by now
      const qs = opts.qs as Record<string, unknown> | undefined;
      if (!qs || !('skipParsing' in qs)) return opts;
      const { skipParsing: _clientOnly, ...apiParams } = qs;
      return { ...opts, qs: apiParams };
    },
  });
  // With BIGQUERY_EMULATOR_HOST set, the client takes that variable verbatim as its base URL, ignoring
  // apiEndpoint; pin the base URL so an explicit endpoint option always wins and the path is consistent.
  if (s.endpoint) client.baseUrl = `${s.endpoint}/bigquery/v2`;
  return client;
}
