// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { type Face, relation } from './faces-calibration.ts';

const face = (collection: string, person: string, source: string, unknownAcrossPhotos = false): Face => ({
  collection,
  person,
  unknownAcrossPhotos,
  source,
  descriptor: new Float32Array(128),
  image: { width: 1, height: 1, data: new Uint8ClampedArray(4) },
  box: { x: 0, y: 0, w: 1, h: 1 },
});

describe('relation: which face pairs the calibration may count', () => {
  it('one person of one collection in two photos is the same person', () => {
    expect(relation(face('johns', 'John Simm', 'a.jpg'), face('johns', 'John Simm', 'b.jpg'))).toBe('same');
  });

  it('people of different collections are different people, whatever their labels', () => {
    expect(relation(face('johns', 'man', 'a.jpg'), face('human facematch', 'man', 'tile 1'))).toBe('different');
    expect(relation(face('solvay', 'x', 's.jpg', true), face('pascal', 'y', 'p.jpg', true))).toBe('different');
  });

  it('two labelled people of one collection are different people', () => {
    expect(relation(face('bald actors', 'Vin Diesel', 'c@1'), face('bald actors', 'Jason Statham', 'c@2'))).toBe('different');
  });

  it('faces of a group photo are different people within the photo, unknown across photos', () => {
    expect(relation(face('pascal', 'p1#0', 'p1', true), face('pascal', 'p1#1', 'p1', true))).toBe('different');
    expect(relation(face('pascal', 'p1#0', 'p1', true), face('pascal', 'p2#0', 'p2', true))).toBe('unknown');
  });
});
