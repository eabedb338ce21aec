import { describe, expect, it } from 'vitest';
import { parseAccountLink } from './account-links.ts';

describe('parseAccountLink', () => {
  it('reads the two emailed links and nothing else', () => {
    const token = 'aB3_-'.repeat(8);
    expect(parseAccountLink(`#verify-email=${token}`)).toEqual({ kind: 'verify-email', token });
    expect(parseAccountLink(`#reset-password=${token}`)).toEqual({ kind: 'reset-password', token });
    expect(parseAccountLink('#/settings')).toBeNull();
    expect(parseAccountLink('#verify-email=short')).toBeNull();
    expect(parseAccountLink(`#verify-email=${token}<script>`)).toBeNull();
  });
});
