import { createHash, timingSafeEqual } from 'node:crypto';
import type { Metadata } from '@grpc/grpc-js';

/**
 * The HTTP server's API key rule for gRPC: metadata `authorization: Bearer <key>` (gRPC metadata
 * keys are lower-case). Returns undefined when no key is configured.
 */
export function apiKeyCheck(apiKey: string): ((metadata: Metadata) => boolean) | undefined {
  if (!apiKey) return undefined;
  const expected = digest(apiKey);
  return (metadata) => {
    const header = metadata.get('authorization')[0];
    const token = typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7) : '';
    // Compare digests so the comparison is constant-time whatever the token's length.
    return timingSafeEqual(digest(token), expected);
  };
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
