// Who may call the API: the tokens file ([listener] tokens_file), one
// client a line, `NAME ROLE TOKEN` for a bearer token or `NAME ROLE
// cn:COMMON_NAME` for a client certificate (signed by client_ca). Tokens
// are compared in constant time, by their SHA-256, and never logged.
import type { Role } from '@capsule/api';
import { createHash, timingSafeEqual } from 'node:crypto';

export interface Client {
  name: string;
  role: Role;
}

interface Entry extends Client {
  tokenHash?: Buffer;
  cn?: string;
}

export class TokensFileInvalid extends Error {
  override name = 'TokensFileInvalid';
}

const sha = (s: string) => createHash('sha256').update(s).digest();

export class Clients {
  private constructor(private readonly entries: readonly Entry[]) {}

  /** Parses the file's text; a bad line is an error naming its number (its token never quoted). */
  static parse(text: string, file = 'tokens_file'): Clients {
    const entries: Entry[] = [];
    text.split('\n').forEach((raw, i) => {
      const line = raw.replace(/#.*/, '').trim();
      if (!line) return;
      const [name, role, secret, ...rest] = line.split(/\s+/);
      const where = `${file}:${i + 1}`;
      if (!name || !secret || rest.length) throw new TokensFileInvalid(`${where}: expected NAME ROLE TOKEN or NAME ROLE cn:COMMON_NAME`);
      if (role !== 'read' && role !== 'admin') throw new TokensFileInvalid(`${where}: role "${role}" is neither read nor admin`);
      if (secret.startsWith('cn:')) entries.push({ name, role, cn: secret.slice(3) });
      else if (secret.length < 16) throw new TokensFileInvalid(`${where}: the token of ${name} is shorter than 16 characters (openssl rand -hex 24 makes one)`);
      else entries.push({ name, role, tokenHash: sha(secret) });
    });
    return new Clients(entries);
  }

  static none(): Clients {
    return new Clients([]);
  }

  /** The client an `Authorization: Bearer TOKEN` header names. */
  byToken(authorization: string | undefined): Client | undefined {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (!m) return undefined;
    const h = sha(m[1]!);
    // Every entry compared, so the time taken says nothing of which matched.
    let found: Entry | undefined;
    for (const e of this.entries) if (e.tokenHash && timingSafeEqual(e.tokenHash, h)) found ??= e;
    return found && { name: found.name, role: found.role };
  }

  /** The client a verified certificate's common name names. */
  byCertificate(cn: string | undefined): Client | undefined {
    const e = cn === undefined ? undefined : this.entries.find((x) => x.cn === cn);
    return e && { name: e.name, role: e.role };
  }
}
