// @vitest-environment node
import { jobStage } from '@heimdex/shared-schema';
import { describe, expect, it } from 'vitest';
import { PIPELINE } from './pipeline.ts';
import { PIPELINE_STAGES } from './plan.ts';
import { ocrTextOf } from './understanding.ts';

describe('pipeline', () => {
  it('runs the planned stages, in the order the database sorts jobs by', () => {
    expect(PIPELINE.map((s) => s.stage)).toEqual(PIPELINE_STAGES);
    const enumOrder = jobStage.enumValues.filter((s) => (PIPELINE_STAGES as readonly string[]).includes(s));
    expect(enumOrder).toEqual(PIPELINE_STAGES);
  });

  it('keeps confident on-screen text lines only', () => {
    const text = ocrTextOf([
      { text: 'QUARTERLY REVENUE', confidence: 0.97 },
      { text: '  ', confidence: 0.99 },
      { text: 'x7#', confidence: 0.31 },
      { text: 'Berlin', confidence: 0.8 },
    ]);
    expect(text).toBe('QUARTERLY REVENUE\nBerlin');
  });
});
