/**
 * Local-disk storage for the embedded default, rooted at the data directory. Download links are
 * HMAC-signed URLs of this service (`/files/<token>`), checked by {@link LocalStorage.verifyToken}.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { SignedUrl, Storage } from './storage';

function localPath(uri: string): string {
  if (uri.startsWith('file://')) return new URL(uri).pathname;
  if (uri.startsWith('s3://')) throw new Error(`local storage cannot reach ${uri}: set SHEETSCALE_S3_BUCKET to use S3`);
  return uri;
}

export class LocalStorage implements Storage {
  readonly kind = 'local' as const;
  private readonly secret: Buffer;

  constructor(
    private readonly root: string,
    private readonly publicUrl: string,
  ) {
    const secretFile = path.join(root, 'keys', 'download-links.key');
    if (!existsSync(secretFile)) {
      mkdirSync(path.dirname(secretFile), { recursive: true, mode: 0o700 });
      writeFileSync(secretFile, randomBytes(32), { mode: 0o600 });
    }
    this.secret = readFileSync(secretFile);
  }

  uriFor(key: string): string {
    return path.join(this.root, key);
  }

  async write(uri: string, body: string | Buffer): Promise<void> {
    const p = localPath(uri);
    await mkdir(path.dirname(p), { recursive: true });
    await writeFile(p, body);
  }

  async read(uri: string): Promise<Buffer | null> {
    try {
      return await readFile(localPath(uri));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  async readHead(uri: string, bytes: number): Promise<Buffer | null> {
    let fh;
    try {
      fh = await open(localPath(uri), 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
    try {
      const buf = Buffer.alloc(bytes);
      const { bytesRead } = await fh.read(buf, 0, bytes, 0);
      return buf.subarray(0, bytesRead);
    } finally {
      await fh.close();
    }
  }

  async list(prefixUri: string): Promise<string[]> {
    const dir = localPath(prefixUri);
    const out: string[] = [];
    const walk = async (d: string): Promise<void> => {
      let entries;
      try {
        entries = await readdir(d, { withFileTypes: true });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw err;
      }
      for (const e of entries) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) await walk(p);
        else out.push(p);
      }
    };
    await walk(dir);
    return out.sort();
  }

  async remove(uri: string): Promise<void> {
    await rm(localPath(uri), { force: true });
  }

  async removePrefix(prefixUri: string): Promise<void> {
    await rm(localPath(prefixUri), { recursive: true, force: true });
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.secret).update(payload).digest('base64url');
  }

  async signedUrl(uri: string, seconds: number): Promise<SignedUrl> {
    const p = localPath(uri);
    await stat(p); // fails for a missing file rather than handing out a dead link
    const exp = Math.floor(Date.now() / 1000) + seconds;
    const payload = Buffer.from(JSON.stringify({ p: path.relative(this.root, p), exp })).toString('base64url');
    return { url: `${this.publicUrl}/files/${payload}.${this.sign(payload)}`, expiresAt: new Date(exp * 1000).toISOString() };
  }

  /** The local path a download token grants, or null when it is forged, expired or escapes the root. */
  verifyToken(token: string): string | null {
    const [payload, sig] = token.split('.');
    if (!payload || !sig) return null;
    const expected = Buffer.from(this.sign(payload));
    const given = Buffer.from(sig);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
    let claims: { p?: unknown; exp?: unknown };
    try {
      claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { p?: unknown; exp?: unknown };
    } catch {
      return null;
    }
    if (typeof claims.p !== 'string' || typeof claims.exp !== 'number' || claims.exp * 1000 < Date.now()) return null;
    const full = path.resolve(this.root, claims.p);
    return full.startsWith(this.root + path.sep) ? full : null;
  }
}
