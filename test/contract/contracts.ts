import { grpcContract } from './grpc.contract.js';
import { seedContract } from './seed.contract.js';
import type { Subject } from './subject.js';
import { v1Contract } from './v1.contract.js';
import { v2BinaryContract } from './v2-binary.contract.js';
import { v2JsonContract } from './v2-json.contract.js';

/** Every dialect's contract suite, against one subject. */
export function allContracts(get: () => Subject): void {
  seedContract(get);
  v2JsonContract(get);
  v2BinaryContract(get);
  v1Contract(get);
  grpcContract(get);
}
