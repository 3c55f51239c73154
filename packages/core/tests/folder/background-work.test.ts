import { describe, expect, it } from 'vitest';
import { BackgroundWork } from '../../src/folder/BackgroundWork.js';

describe('BackgroundWork (file finishing off the reading path)', () => {
  it('keeps the first failure for rethrow, once, and settle waits for work started meanwhile', async () => {
    const work = new BackgroundWork();
    const order: string[] = [];
    let release: () => void = () => undefined;
    work.start(
      new Promise<void>((resolve) => (release = resolve)).then(() => {
        order.push('slow');
      }),
    );
    work.start(Promise.reject(new Error('first')));
    work.start(Promise.reject(new Error('second')));
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(() => work.rethrow()).toThrow('first');
    expect(() => work.rethrow()).not.toThrow();
    const settled = work.settle().then(() => order.push('settled'));
    work.start(
      Promise.resolve().then(() => {
        order.push('late');
      }),
    );
    release();
    await settled;
    expect(order).toEqual(['late', 'slow', 'settled']);
  });
});
