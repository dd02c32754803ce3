import { describe, expect, it } from 'vitest';
import { matchesAllPrefixes, normalizeText, queryWords, wordsOf } from './words.ts';

describe('wordsOf', () => {
  it('lower-cases, splits on anything not a letter or digit, drops repeats, keeps order', () => {
    expect(wordsOf('Follow-up CALL re: Q1 proposal', 'call back, re-send the PROPOSAL')).toEqual([
      'follow', 'up', 'call', 're', 'q1', 'proposal', 'back', 'send', 'the',
    ]);
  });

  it('ignores missing texts and strips accents', () => {
    expect(wordsOf(null, undefined, '')).toEqual([]);
    expect(wordsOf('Café Müller — Straße 5')).toEqual(['cafe', 'muller', 'straße', '5']);
    expect(normalizeText('ÉCOLE')).toBe('ecole');
  });

  it('keeps letters of other scripts', () => {
    expect(wordsOf('Встреча с клиентом')).toEqual(['встреча', 'с', 'клиентом']);
  });
});

describe('queryWords', () => {
  it('treats + as a space, as in a query string', () => {
    expect(queryWords('proposal+discussion')).toEqual(['proposal', 'discussion']);
  });

  it('drops a word that another query word already starts with', () => {
    expect(queryWords('pro proposal prop')).toEqual(['proposal']);
  });
});

describe('matchesAllPrefixes', () => {
  const words = wordsOf('Proposal discussion with Acme');
  it('needs every query word to start some word', () => {
    expect(matchesAllPrefixes(words, ['prop', 'acm'])).toBe(true);
    expect(matchesAllPrefixes(words, ['prop', 'beta'])).toBe(false);
    expect(matchesAllPrefixes(words, ['cussion'])).toBe(false);
  });
});
