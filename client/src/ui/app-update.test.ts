import { describe, expect, it } from 'vitest';
import { updateHint } from './app-update.ts';

describe('updateHint', () => {
  it('just offers the reload when nothing is running', () => {
    expect(updateHint([])).toBe('Reload to use the new version.');
    expect(updateHint(['INDEXED', 'FAILED'])).toBe('Reload to use the new version.');
  });

  it('says that indexing resumes after the reload', () => {
    expect(updateHint(['INDEXED', 'PROCESSING'])).toBe('Indexing resumes after the reload.');
    expect(updateHint(['VALIDATING'])).toBe('Indexing resumes after the reload.');
  });

  it('warns that an import still copying would stop, before anything else', () => {
    expect(updateHint(['PROCESSING', 'UPLOADING'])).toMatch(/import is still copying/);
  });
});
