import { closestNames, editDistance } from '../../src/util/closest.js';

describe('closestNames: "did you mean …?"', () => {
  test('edit distance counts insertions, deletions and substitutions', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('same', 'same')).toBe(0);
    expect(editDistance('kitten', 'sitting', 2)).toBe(3);
    expect(editDistance('abcdef', 'abc', 1)).toBe(2);
  });

  test('up to three, nearest first, ignoring case; unrelated names are never offered', () => {
    const labels = ['GET home', 'GET /home', 'POST login', 'GET homes', 'GET hom', 'checkout'];
    expect(closestNames('get Home', labels)).toEqual(['GET home', 'GET /home', 'GET homes']);
    expect(closestNames('GET hone', ['GET home', 'checkout'])).toEqual(['GET home']);
    expect(closestNames('reports', labels)).toEqual([]);
  });

  test('long names (URLs) and many of them stay cheap', () => {
    const many = Array.from({ length: 2_000 }, (_, i) => `GET /api/items/${i}?q=${'x'.repeat(2000)}`);
    const started = Date.now();
    expect(closestNames(`GET /api/items/17?q=${'x'.repeat(2000)}`, many, 1)).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});
