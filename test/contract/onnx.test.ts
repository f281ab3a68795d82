import { after, before, describe } from 'node:test';
import { allContracts } from './contracts.js';
import { onnxSubject, type Subject } from './subject.js';

/** Every dialect's contract against onnxruntime on the fixture models: the same suites as the fake's. */
describe('dialect contracts, onnxruntime', () => {
  let subject: Subject;
  before(async () => {
    subject = await onnxSubject();
  });
  after(() => subject.stop());
  allContracts(() => subject);
});
