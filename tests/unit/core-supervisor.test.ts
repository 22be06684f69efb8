import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { CoreSupervisor } from '../../electron/core/host/supervisor';
import type { Log } from '../../electron/core/log/log-file';

/** A stand-in for Electron's UtilityProcess: records what it was sent, exits on demand. */
class FakeChild extends EventEmitter {
  sent: { message: unknown; ports: string[] }[] = [];
  killed = false;
  postMessage(message: unknown, ports: string[] = []) {
    this.sent.push({ message, ports });
  }
  kill() {
    this.killed = true;
    this.emit('exit', 15);
    return true;
  }
}

const log: Log & { errors: string[] } = {
  dir: '',
  file: '',
  errors: [],
  info() {},
  warn() {},
  error(m) {
    this.errors.push(m);
  },
};

function supervisor() {
  const children: FakeChild[] = [];
  const given: { window: string; port: string }[] = [];
  const down: string[] = [];
  const timers: { fn: () => void; ms: number }[] = [];
  const desktops: string[] = [];
  let n = 0;
  const s = new CoreSupervisor<string, string>({
    fork: () => {
      const c = new FakeChild();
      children.push(c);
      return c;
    },
    channel: () => [`core-${++n}`, `other-${n}`],
    config: () => ({
      dbPath: '/tmp/x.sqlite',
      logDir: null,
      appVersion: '1',
      settings: null,
      tokenFile: null,
      cipher: null,
      desktop: true,
      background: true,
    }),
    serveDesktop: (port) => desktops.push(port),
    givePort: (window, port) => (given.push({ window, port }), window !== 'closed'),
    tellDown: (window) => down.push(window),
    log,
    setTimer: (fn, ms) => timers.push({ fn, ms }),
  });
  return { s, children, given, down, timers, desktops };
}

describe('the core supervisor (main keeps one core running and hands out the ports)', () => {
  it('starts the core with its desktop link, and gives each window a port of its own', () => {
    const t = supervisor();
    t.s.start();
    const [child] = t.children;
    expect(child!.sent[0]).toMatchObject({ message: { t: 'start' }, ports: ['core-1'] });
    expect(t.desktops).toEqual(['other-1']);
    t.s.addWindow('w1');
    expect(t.given).toEqual([{ window: 'w1', port: 'other-2' }]);
    expect(child!.sent[1]).toEqual({ message: { t: 'window' }, ports: ['core-2'] });
  });

  it('a dead core: windows are told, a new core starts after a backoff, every window gets a new port', () => {
    const t = supervisor();
    t.s.start();
    t.s.addWindow('w1');
    t.children[0]!.emit('exit', 70);
    expect(t.down).toEqual(['w1']);
    expect(t.timers.map((x) => x.ms)).toEqual([250]);
    expect(log.errors.at(-1)).toContain('exited (code 70)');
    t.timers[0]!.fn();
    expect(t.children).toHaveLength(2);
    expect(t.given.at(-1)).toEqual({ window: 'w1', port: 'other-4' });
    expect(t.children[1]!.sent.map((m) => m.message)).toEqual([
      { t: 'start', config: expect.anything() },
      { t: 'window' },
    ]);
    // Dying again at once backs off further; a stale exit of the old one changes nothing.
    t.children[0]!.emit('exit', 70);
    t.children[1]!.emit('exit', 70);
    expect(t.timers.map((x) => x.ms)).toEqual([250, 500]);
    expect(t.s.restarts).toBe(2);
  });

  it('a window that is gone gets no port and is forgotten', () => {
    const t = supervisor();
    t.s.start();
    t.s.addWindow('closed');
    expect(t.children[0]!.sent).toHaveLength(1);
    t.children[0]!.emit('exit', 1);
    expect(t.down).toEqual([]);
  });

  it('stop asks the core to close its database and does not restart it', async () => {
    const t = supervisor();
    t.s.start();
    const stopped = t.s.stop(1_000);
    expect(t.children[0]!.sent.at(-1)!.message).toEqual({ t: 'stop' });
    t.children[0]!.emit('exit', 0);
    await stopped;
    expect(t.timers).toEqual([]);
  });
});
