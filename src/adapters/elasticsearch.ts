import { Client, errors, SniffingTransport, type TransportOptions } from '@elastic/elasticsearch';

/**
 * Seconds between retries of a request that found no node. The transport's default (1–2 s, then
 * 2–4 s) made the API answer 503 only after up to 6 s with Elasticsearch down; the pipeline
 * worker pauses on its own while Elasticsearch is away, so short retries are enough.
 */
const retryBackoff = (_min: number, _max: number, attempt: number) => Math.min(0.5, 0.05 * 2 ** attempt) * (0.5 + Math.random() / 2);

class FastRetryTransport extends SniffingTransport {
  constructor(opts: TransportOptions) {
    super({ ...opts, retryBackoff });
  }
}

export type EsClient = Client;

export function createEsClient(opts: { url: string; username?: string; password?: string }): EsClient {
  return new Client({
    node: opts.url,
    ...(opts.username ? { auth: { username: opts.username, password: opts.password ?? '' } } : {}),
    requestTimeout: 30_000,
    maxRetries: 2,
    Transport: FastRetryTransport,
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
