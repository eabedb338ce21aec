// @vitest-environment node
// The tab protocol with Node's real BroadcastChannel and a small in-process stand-in for Web Locks
// (Node 20 has none): exclusive, granted in request order, a queued request can be aborted. The real
// browser is exercised by tests/browser/tabs.test.ts.
import { afterEach, describe, expect, it } from 'vitest';
import { createTabHandover, TAB_CHANNEL, type TabChannel, type TabHandover, type TabState } from './tab-handover.ts';

function createLocks(): Pick<LockManager, 'request'> {
  const queues = new Map<string, { run: () => void; abort: () => void; signal?: AbortSignal }[]>();
  const held = new Set<string>();
  const next = (name: string) => {
    if (held.has(name)) return;
    const entry = queues.get(name)?.shift();
    if (entry) entry.run();
  };
  const request = (name: string, options: { signal?: AbortSignal }, callback: (lock: unknown) => unknown) =>
    new Promise((resolve, reject) => {
      const queue = queues.get(name) ?? [];
      queues.set(name, queue);
      const entry = {
        signal: options.signal,
        run: () => {
          held.add(name);
          Promise.resolve()
            .then(() => callback({ name, mode: 'exclusive' }))
            .then(resolve, reject)
            .finally(() => {
              held.delete(name);
              next(name);
            });
        },
        abort: () => reject(new DOMException('aborted', 'AbortError')),
      };
      options.signal?.addEventListener('abort', () => {
        const at = queue.indexOf(entry);
        if (at >= 0) {
          queue.splice(at, 1);
          entry.abort();
        }
      });
      queue.push(entry);
      next(name);
    });
  return { request } as unknown as Pick<LockManager, 'request'>;
}

const settle = (ms = 30) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(check: () => boolean, what: string, ms = 2000) {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await settle(5);
  }
}

interface Tab {
  handover: TabHandover;
  states: TabState[];
  released: number;
}

let locks = createLocks();
const open: Tab[] = [];

afterEach(() => {
  for (const tab of open.splice(0)) tab.handover.dispose();
  locks = createLocks();
});

function openTab(options: { releaseMs?: number; graceMs?: number; answerMs?: number; onHere?: () => void } = {}): Tab {
  const tab: Tab = { states: [], released: 0 } as unknown as Tab;
  tab.handover = createTabHandover({
    locks,
    channel: new BroadcastChannel(TAB_CHANNEL) as unknown as TabChannel,
    release: async () => {
      await settle(options.releaseMs ?? 20);
      tab.released++;
    },
    onState: (state) => {
      tab.states.push(state);
      if (state === 'here') options.onHere?.();
    },
    graceMs: options.graceMs ?? 1000,
    answerMs: options.answerMs ?? 300,
  });
  open.push(tab);
  return tab;
}

describe('tab hand-over', () => {
  it('gives the library to the first tab and tells a second one, without waiting out the grace period', async () => {
    const first = openTab();
    await until(() => first.handover.state() === 'here', 'the first tab to have it');
    const started = Date.now();
    const second = openTab({ graceMs: 5000 });
    await until(() => second.handover.state() === 'elsewhere', 'the second tab to hear of the first');
    expect(Date.now() - started).toBeLessThan(1000); // the holder answered
    expect(first.handover.state()).toBe('here');
  });

  it('hands over on request: the holder closes its library first, then the asking tab has it', async () => {
    const first = openTab({ releaseMs: 150 });
    await until(() => first.handover.state() === 'here', 'the first tab');
    let releasedWhenSecondGotIt = -1;
    const second = openTab({ onHere: () => (releasedWhenSecondGotIt = first.released) });
    await until(() => second.handover.state() === 'elsewhere', 'the second tab to wait');

    second.handover.takeOver();
    expect(second.handover.state()).toBe('requesting');
    await until(() => second.handover.state() === 'here', 'the hand-over');
    expect(releasedWhenSecondGotIt).toBe(1);
    expect(first.states).toEqual(['here', 'releasing', 'handed-over']);
    expect(second.states).toEqual(['elsewhere', 'requesting', 'here']);

    // And back: the tab that handed over can take it again.
    first.handover.takeOver();
    await until(() => first.handover.state() === 'here', 'the hand-back');
    expect(second.handover.state()).toBe('handed-over');
    expect(second.released).toBe(1);
  });

  it('a waiting tab takes over by itself when the tab with the library closes', async () => {
    const first = openTab();
    await until(() => first.handover.state() === 'here', 'the first tab');
    const second = openTab();
    await until(() => second.handover.state() === 'elsewhere', 'the second tab to wait');
    first.handover.dispose(); // the tab closed
    await until(() => second.handover.state() === 'here', 'the second tab to take over');
  });

  it('a reload never shows the library as taken: the page being replaced no longer answers', async () => {
    const old = openTab();
    await until(() => old.handover.state() === 'here', 'the old page');
    old.handover.leaving(); // pagehide
    const reloaded = openTab();
    await settle(200); // the old page is still unloading
    old.handover.dispose();
    await until(() => reloaded.handover.state() === 'here', 'the reloaded page');
    expect(reloaded.states).toEqual(['here']);
  });

  it('the tab that asked gets the library, not another tab that was waiting longer', async () => {
    const holder = openTab();
    await until(() => holder.handover.state() === 'here', 'the holder');
    const waitingLonger = openTab();
    await until(() => waitingLonger.handover.state() === 'elsewhere', 'the first waiting tab');
    const asking = openTab();
    await until(() => asking.handover.state() === 'elsewhere', 'the second waiting tab');

    asking.handover.takeOver();
    await until(() => asking.handover.state() === 'here', 'the asking tab');
    await settle(100);
    expect(waitingLonger.handover.state()).toBe('elsewhere');
    expect(holder.handover.state()).toBe('handed-over');

    // The tab that stepped aside is in line again: it takes over when the new holder closes.
    asking.handover.dispose();
    await until(() => waitingLonger.handover.state() === 'here' || holder.handover.state() === 'here', 'someone to take over');
  });

  it('says so when the tab with the library does not answer a request', async () => {
    let letGo!: () => void;
    // A holder that knows nothing of the protocol (e.g. an older version of Heimdex).
    void locks.request('heimdex-tab', {}, () => new Promise<void>((resolve) => (letGo = resolve)));
    const tab = openTab({ graceMs: 100, answerMs: 200 });
    await until(() => tab.handover.state() === 'elsewhere', 'the grace period to end');
    tab.handover.takeOver();
    await until(() => tab.handover.state() === 'unanswered', 'the request to go unanswered');
    letGo(); // that tab closed
    await until(() => tab.handover.state() === 'here', 'the tab to take over');
  });
});
