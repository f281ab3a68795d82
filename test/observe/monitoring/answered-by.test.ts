import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AnsweredBy } from '../../../src/observe/monitoring/answered-by.js';

describe('AnsweredBy', () => {
  it('remembers which version answered, forgetting the oldest past the limit', () => {
    const answered = new AnsweredBy(2);
    answered.remember('iris', 'a', '1');
    answered.remember('iris', 'b', '2');
    answered.remember('iris', 'c', '1');
    assert.equal(answered.version('iris', 'a'), undefined);
    assert.equal(answered.version('iris', 'b'), '2');
    assert.equal(answered.version('iris', 'c'), '1');
    assert.equal(answered.version('other', 'c'), undefined);
  });

  it('keeps an id remembered again, and stays bounded over many requests', () => {
    const answered = new AnsweredBy(3);
    answered.remember('iris', 'x', '1');
    answered.remember('iris', 'y', '1');
    answered.remember('iris', 'x', '2');
    answered.remember('iris', 'z', '1');
    assert.equal(answered.version('iris', 'x'), '2', 'the older slot of x went, not x');
    for (let i = 0; i < 5000; i++) answered.remember('iris', `r${i}`, '1');
    assert.equal(answered.version('iris', 'r4999'), '1');
    assert.equal(answered.version('iris', 'r4996'), undefined);
    assert.equal(new AnsweredBy(0).version('iris', 'x'), undefined);
  });
});
