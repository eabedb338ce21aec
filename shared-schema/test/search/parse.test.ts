// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { freeTerms, hasFilters, isEmptyQuery, isIsoDate, parseQuery, visualText } from '../../src/search/parse.ts';

describe('parseQuery', () => {
  it('keeps plain words in order and trims the raw query', () => {
    const q = parseQuery('  quarterly   revenue chart ');
    expect(q.raw).toBe('quarterly   revenue chart');
    expect(q.words).toEqual(['quarterly', 'revenue', 'chart']);
    expect(q.phrases).toEqual([]);
    expect(q.warnings).toEqual([]);
    expect(isEmptyQuery(q)).toBe(false);
  });

  it('reads quoted phrases, straight or typographic, and collapses their spaces', () => {
    const q = parseQuery('intro "quarterly   revenue" “north star” outro');
    expect(q.words).toEqual(['intro', 'outro']);
    expect(q.phrases).toEqual(['quarterly revenue', 'north star']);
  });

  it('takes an unclosed quote to the end of the query', () => {
    expect(parseQuery('hello "open phrase').phrases).toEqual(['open phrase']);
  });

  it('splits a quote glued to a word', () => {
    const q = parseQuery('foo"bar baz"');
    expect(q.words).toEqual(['foo']);
    expect(q.phrases).toEqual(['bar baz']);
  });

  it('reads person: with a bare or a quoted name, keys in any case, without duplicates', () => {
    const q = parseQuery('person:Ada Person:"Grace  Hopper" PERSON:ada beach');
    expect(q.people).toEqual(['Ada', 'Grace Hopper']);
    expect(q.words).toEqual(['beach']);
  });

  it('reads said: and text: words and phrases apart from the free words', () => {
    const q = parseQuery('said:budget said:"next quarter" text:EBITDA text:"slide 3" growth');
    expect(q.said).toEqual(['budget', 'next quarter']);
    expect(q.onScreen).toEqual(['EBITDA', 'slide 3']);
    expect(q.words).toEqual(['growth']);
    expect(freeTerms(q)).toEqual(['growth']);
  });

  it('reads video: fragments and dates', () => {
    const q = parseQuery('video:holiday video:"team offsite" after:2025-01-31 before:2026-02-28');
    expect(q.videos).toEqual(['holiday', 'team offsite']);
    expect(q.after).toBe('2025-01-31');
    expect(q.before).toBe('2026-02-28');
    expect(q.warnings).toEqual([]);
    expect(isEmptyQuery(q)).toBe(false);
  });

  it('turns bad dates into warnings and runs the rest', () => {
    const q = parseQuery('after:yesterday before:2026-02-30 beach');
    expect(q.after).toBeNull();
    expect(q.before).toBeNull();
    expect(q.words).toEqual(['beach']);
    expect(q.warnings).toHaveLength(2);
    expect(q.warnings[0]).toMatch(/^after: needs a date like 2026-01-31 \("yesterday" is not one\)/);
    expect(q.warnings[1]).toMatch(/^before: needs a date like 2026-01-31 \("2026-02-30" is not one\)/);
  });

  it('warns when after: is later than before:', () => {
    const q = parseQuery('after:2026-03-01 before:2026-01-01');
    expect(q.after).toBe('2026-03-01');
    expect(q.warnings).toEqual(['after:2026-03-01 is later than before:2026-01-01, so nothing can match.']);
  });

  it('warns about filters without a value', () => {
    const q = parseQuery('person: said:"" video: cats');
    expect(q.people).toEqual([]);
    expect(q.said).toEqual([]);
    expect(q.words).toEqual(['cats']);
    expect(q.warnings.map((w) => w.split(':')[0])).toEqual(['person', 'said', 'video']);
  });

  it('treats unknown keys as plain words', () => {
    const q = parseQuery('foo:bar meeting at 12:30 http://example.com');
    expect(q.words).toEqual(['foo:bar', 'meeting', 'at', '12:30', 'http://example.com']);
    expect(q.people).toEqual([]);
    expect(q.warnings).toEqual([]);
  });

  it('drops words without a letter or digit and empty phrases', () => {
    const q = parseQuery('- , "" "  " ok');
    expect(q.words).toEqual(['ok']);
    expect(q.phrases).toEqual([]);
  });

  it('handles the empty query and filter-only queries', () => {
    expect(isEmptyQuery(parseQuery(''))).toBe(true);
    expect(isEmptyQuery(parseQuery('   '))).toBe(true);
    const personOnly = parseQuery('person:"Person 3"');
    expect(personOnly.people).toEqual(['Person 3']);
    expect(freeTerms(personOnly)).toEqual([]);
    expect(isEmptyQuery(personOnly)).toBe(false);
  });

  it('tells a query with filters from one of words alone', () => {
    for (const text of ['said:budget', 'text:exit', 'person:Ada', 'video:holiday', 'after:2024-01-01', 'before:2024-01-01']) {
      expect(hasFilters(parseQuery(`red car ${text}`)), text).toBe(true);
    }
    expect(hasFilters(parseQuery('red car "on a bridge"'))).toBe(false);
  });

  it('gives the visual model the free words and phrases only', () => {
    expect(visualText(parseQuery('red car "on a bridge" person:Ada said:hello after:2020-01-01'))).toBe('red car on a bridge');
  });

  it('keeps non-Latin words', () => {
    expect(parseQuery('café 東京 "über alles"').words).toEqual(['café', '東京']);
  });
});

describe('isIsoDate', () => {
  it('accepts real calendar days only', () => {
    expect(isIsoDate('2024-02-29')).toBe(true);
    expect(isIsoDate('2023-02-29')).toBe(false);
    expect(isIsoDate('2026-13-01')).toBe(false);
    expect(isIsoDate('2026-1-01')).toBe(false);
    expect(isIsoDate('26-01-01')).toBe(false);
  });
});
