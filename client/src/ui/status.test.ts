import { describe, expect, it } from 'vitest';
import { countsOf, queueText, statusOf, type StatusInput } from './status.ts';

const base: Omit<StatusInput, 'state'> = { running: false, queuePosition: null, stage: null, stageProgress: 0, gaps: [] };

describe('statusOf', () => {
  it('never says UPLOADING: a local import is added to the library', () => {
    expect(statusOf({ ...base, state: 'UPLOADING', stageProgress: 0.3 })).toEqual({
      label: 'Adding to library',
      tone: 'importing',
      step: 'Copying 30%',
    });
  });

  it('a waiting video says its place in the queue, with no stage progress of its own', () => {
    expect(statusOf({ ...base, state: 'PROCESSING', stage: 'AUDIO_EXTRACT', queuePosition: 3 })).toEqual({
      label: 'Queued (3rd)',
      tone: 'queued',
      step: null,
    });
  });

  it('the running video says what it is doing and how far', () => {
    expect(statusOf({ ...base, state: 'PROCESSING', running: true, stage: 'SCENE_DETECT', stageProgress: 0.4 })).toEqual({
      label: 'Indexing',
      tone: 'running',
      step: 'Finding scenes 40%',
    });
  });

  it('an indexed video with gaps never reads as plainly indexed', () => {
    const gap = { task: 'speech', missing: 'Spoken words are not searchable', action: 'Download the speech model' } as const;
    expect(statusOf({ ...base, state: 'INDEXED', gaps: [gap] }).label).toBe('Indexed with gaps');
    expect(statusOf({ ...base, state: 'INDEXED' }).label).toBe('Indexed');
  });

  it('a failure says Failed', () => {
    expect(statusOf({ ...base, state: 'FAILED' })).toEqual({ label: 'Failed', tone: 'failed', step: null });
  });
});

describe('countsOf', () => {
  it('counts indexed, in progress and failed apart', () => {
    const states = ['INDEXED', 'FAILED', 'UPLOADING', 'VALIDATING', 'PROCESSING', 'INDEXED', 'FAILED'] as const;
    expect(countsOf(states.map((state) => ({ state })))).toEqual({ total: 7, indexed: 2, inProgress: 3, failed: 2 });
  });
});

describe('queueText', () => {
  it('says which video of how many, and the time left once there is one', () => {
    const indexing = { indexing: true, importing: 0, doneS: 0 };
    expect(queueText({ ...indexing, current: 2, total: 5, secondsLeft: 41 })).toBe('Indexing 2 of 5 — about 40 s left');
    expect(queueText({ ...indexing, current: 2, total: 5, secondsLeft: null })).toBe('Indexing 2 of 5');
    expect(queueText({ ...indexing, current: 1, total: 1, secondsLeft: 200 })).toBe('Indexing 1 video — about 3 min left');
  });

  it('does not speak of indexing while the files are only being copied in', () => {
    expect(queueText({ indexing: false, importing: 5, current: 1, total: 5, secondsLeft: null, doneS: 0 })).toBe('Adding 5 videos to the library');
  });
});
