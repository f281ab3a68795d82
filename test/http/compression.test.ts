import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { preferredEncoding } from '../../src/http/compression.js';

/** Accept-Encoding negotiation (RFC 9110 §12.5.3); the end-to-end cases are in oip-binary.test.ts. */
describe('Accept-Encoding', () => {
  const cases: Array<[string | undefined, 'gzip' | 'deflate' | undefined]> = [
    [undefined, undefined],
    ['', undefined],
    ['identity', undefined],
    ['gzip', 'gzip'],
    ['deflate', 'deflate'],
    ['x-gzip', 'gzip'],
    ['gzip, deflate, br', 'gzip'],
    ['deflate;q=1, gzip;q=0.5', 'deflate'],
    ['gzip;q=0, deflate', 'deflate'],
    ['gzip;q=0, deflate;q=0', undefined],
    ['*', 'gzip'],
    ['*;q=0', undefined],
    ['br;q=1, *;q=0.1', 'gzip'],
    ['GZIP', 'gzip'],
  ];
  for (const [header, expected] of cases) {
    it(`${JSON.stringify(header)} → ${expected ?? 'none'}`, () => assert.equal(preferredEncoding(header), expected));
  }
});
