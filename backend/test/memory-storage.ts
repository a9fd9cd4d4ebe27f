/** An in-memory Storage with s3:// URIs, for runner tests that must not touch disk or network. */
import type { SignedUrl, Storage } from '../src/storage/storage';

export class MemoryStorage implements Storage {
  readonly kind = 's3' as const;
  readonly objects = new Map<string, Buffer>();
  constructor(private readonly root = 's3://bucket/sheetscale') {}
  uriFor(key: string): string {
    return `${this.root}/${key}`;
  }
  async write(uri: string, body: string | Buffer): Promise<void> {
    this.objects.set(uri, Buffer.from(body));
  }
  async read(uri: string): Promise<Buffer | null> {
    return this.objects.get(uri) ?? null;
  }
  async readHead(uri: string, bytes: number): Promise<Buffer | null> {
    return this.objects.get(uri)?.subarray(0, bytes) ?? null;
  }
  async list(prefixUri: string): Promise<string[]> {
    const p = prefixUri.endsWith('/') ? prefixUri : `${prefixUri}/`;
    return [...this.objects.keys()].filter((k) => k.startsWith(p)).sort();
  }
  async remove(uri: string): Promise<void> {
    this.objects.delete(uri);
  }
  async removePrefix(prefixUri: string): Promise<void> {
    for (const k of await this.list(prefixUri)) this.objects.delete(k);
  }
  async signedUrl(uri: string, seconds: number): Promise<SignedUrl> {
    return { url: `https://signed.example/${encodeURIComponent(uri)}`, expiresAt: new Date(Date.now() + seconds * 1000).toISOString() };
  }
}
