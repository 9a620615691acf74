import { Client, errors } from '@elastic/elasticsearch';

export type EsClient = Client;

export function createEsClient(opts: { url: string; username?: string; password?: string }): EsClient {
  return new Client({
    node: opts.url,
    ...(opts.username ? { auth: { username: opts.username, password: opts.password ?? '' } } : {}),
    requestTimeout: 30_000,
    maxRetries: 2,
    compression: false,
  });
}

/** True for errors meaning "Elasticsearch is not reachable / not answering", as opposed to a bad request. */
export function isEsUnavailable(err: unknown): boolean {
  if (err instanceof errors.ConnectionError || err instanceof errors.TimeoutError || err instanceof errors.NoLivingConnectionsError) return true;
  if (err instanceof errors.ResponseError) return err.statusCode === 503 || err.statusCode === 502;
  return false;
}

export { errors as esErrors };
