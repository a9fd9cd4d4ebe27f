/**
 * Where job files live: configs, uploads, and the engine's outputs (summary.json, error.json,
 * result/). Addressed by URI — an absolute local path or s3://bucket/key — because the same URIs
 * are handed to the engine. Keys (`jobs/<id>/config.json`) are turned into URIs by the service's
 * own configuration only; a request never names a location.
 */

/** A link to download a file without a bearer token. */
export interface SignedUrl {
  url: string;
  expiresAt: string;
}

export interface Storage {
  readonly kind: 'local' | 's3';
  /** The URI of a key under the service's root (data dir or bucket prefix). */
  uriFor(key: string): string;
  /** Writes a whole object. */
  write(uri: string, body: string | Buffer): Promise<void>;
  /** Reads a whole object, or null when there is none. */
  read(uri: string): Promise<Buffer | null>;
  /** Reads at most the first `bytes` bytes (dataset samples), or null when there is none. */
  readHead(uri: string, bytes: number): Promise<Buffer | null>;
  /** The URIs of the objects under a prefix (a "directory"), sorted. */
  list(prefixUri: string): Promise<string[]>;
  /** Removes one object (no error when it is already gone). */
  remove(uri: string): Promise<void>;
  /** Removes every object under a prefix. */
  removePrefix(prefixUri: string): Promise<void>;
  /** A time-limited download link. */
  signedUrl(uri: string, seconds: number): Promise<SignedUrl>;
}

/** Joins a prefix URI and a relative path with exactly one slash. */
export function joinUri(prefix: string, rel: string): string {
  return `${prefix.replace(/\/+$/, '')}/${rel.replace(/^\/+/, '')}`;
}
