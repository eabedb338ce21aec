// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { closeSpellings, editDistance, mayHaveTwoSlips } from '../../src/search/spelling.ts';

describe('editDistance', () => {
  it('counts letter slips, a swap of neighbours as one', () => {
    expect(editDistance('blubery', 'blueberry')).toBe(2);
    expect(editDistance('recieve', 'receive')).toBe(1);
    expect(editDistance('blueberry', 'blackberry')).toBe(3);
    expect(editDistance('same', 'same')).toBe(0);
    expect(editDistance('', 'abc')).toBe(3);
  });
});

describe('closeSpellings', () => {
  it('keeps the words within two slips of a longer misspelt word, closest first', () => {
    expect(closeSpellings('blubery', ['blackberry', 'blue', 'blueberry', 'rubbery'])).toEqual(['blueberry']);
    expect(closeSpellings('Strwbery', ['strawberry', 'raspberry'])).toEqual(['strawberry']);
    expect(closeSpellings('recieve', ['receiver', 'receive'])).toEqual(['receive', 'receiver']);
  });

  it('forgives nothing in a short word, an English word, or a code', () => {
    expect(mayHaveTwoSlips('cart')).toBe(false);
    expect(closeSpellings('carts', ['carton'])).toEqual([]);
    expect(closeSpellings('payment', ['pavement'])).toEqual([]);
    expect(closeSpellings('0xC0000005', ['0xC0000006'])).toEqual([]);
  });
});
