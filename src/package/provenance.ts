import { runProgram } from '../core/programs.js';

/**
 * Where the model came from, for the org.opencontainers.image.source/revision labels: the git
 * remote and commit of the model's folder when it is in a git work tree. git missing, no repository
 * or no remote simply leave the value unknown.
 */
export interface Provenance {
  source?: string;
  revision?: string;
}

export async function gitProvenance(dir: string): Promise<Provenance> {
  const git = async (...args: string[]) => {
    const result = await runProgram('git', ['-C', dir, ...args], { timeoutMs: 10_000 }).catch(() => undefined);
    return result?.code === 0 ? result.stdout.trim() || undefined : undefined;
  };
  const [revision, remote] = await Promise.all([
    git('rev-parse', '--verify', 'HEAD'),
    git('config', '--get', 'remote.origin.url'),
  ]);
  return { revision, source: remote === undefined ? undefined : withoutCredentials(remote) };
}

/** A remote such as https://user:token@host/repo.git must not end up in an image label. */
export function withoutCredentials(url: string): string {
  try {
    const parsed = new URL(url);
    if (!parsed.username && !parsed.password) return url;
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return url; // scp-like git@host:org/repo.git: no secret in it
  }
}
