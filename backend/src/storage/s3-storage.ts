/**
 * S3 storage: job files under `s3://<bucket>/<prefix>`, results written there by EMR, download
 * links presigned with @aws-sdk/s3-request-presigner.
 */
import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { SignedUrl, Storage } from './storage';

/** Splits s3://bucket/key. */
export function parseS3Uri(uri: string): { bucket: string; key: string } {
  const m = /^s3a?:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!m) throw new Error(`not an s3:// URI: ${uri}`);
  return { bucket: m[1]!, key: m[2]! };
}

function isNotFound(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === 'NoSuchKey' || e.name === 'NotFound' || e.$metadata?.httpStatusCode === 404;
}

export class S3Storage implements Storage {
  readonly kind = 's3' as const;

  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
    private readonly prefix: string,
    /** Keys per ListObjectsV2 page (S3's default and maximum is 1000; tests use less). */
    private readonly listPageSize = 1000,
  ) {}

  uriFor(key: string): string {
    const p = this.prefix ? `${this.prefix.replace(/\/+$/, '')}/` : '';
    return `s3://${this.bucket}/${p}${key.replace(/^\/+/, '')}`;
  }

  async write(uri: string, body: string | Buffer): Promise<void> {
    const { bucket, key } = parseS3Uri(uri);
    await this.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
  }

  private async get(uri: string, range?: string): Promise<Buffer | null> {
    const { bucket, key } = parseS3Uri(uri);
    try {
      const out = await this.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, ...(range ? { Range: range } : {}) }));
      if (!out.Body) return Buffer.alloc(0);
      return Buffer.from(await out.Body.transformToByteArray());
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  read(uri: string): Promise<Buffer | null> {
    return this.get(uri);
  }

  readHead(uri: string, bytes: number): Promise<Buffer | null> {
    return this.get(uri, `bytes=0-${bytes - 1}`);
  }

  async list(prefixUri: string): Promise<string[]> {
    const { bucket, key } = parseS3Uri(prefixUri);
    const prefix = key === '' || key.endsWith('/') ? key : `${key}/`;
    const out: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token, MaxKeys: this.listPageSize }));
      for (const o of page.Contents ?? []) if (o.Key && !o.Key.endsWith('/')) out.push(`s3://${bucket}/${o.Key}`);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return out.sort();
  }

  async remove(uri: string): Promise<void> {
    const { bucket, key } = parseS3Uri(uri);
    await this.s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
  }

  async removePrefix(prefixUri: string): Promise<void> {
    const uris = await this.list(prefixUri);
    const { bucket } = parseS3Uri(prefixUri);
    for (let i = 0; i < uris.length; i += 1000) {
      const batch = uris.slice(i, i + 1000).map((u) => ({ Key: parseS3Uri(u).key }));
      await this.s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: batch, Quiet: true } }));
    }
  }

  async signedUrl(uri: string, seconds: number): Promise<SignedUrl> {
    const { bucket, key } = parseS3Uri(uri);
    const url = await getSignedUrl(this.s3, new GetObjectCommand({ Bucket: bucket, Key: key }), { expiresIn: seconds });
    return { url, expiresAt: new Date(Date.now() + seconds * 1000).toISOString() };
  }
}
