import { after, before, describe } from 'node:test';
import { allContracts } from './contracts.js';
import { fakeSubject, type Subject } from './subject.js';

/** Every dialect's contract against the deterministic fake runtime: no onnxruntime, milliseconds. */
describe('dialect contracts, fake runtime', () => {
  let subject: Subject;
  before(async () => {
    subject = await fakeSubject();
  });
  after(() => subject.stop());
  allContracts(() => subject);
});
