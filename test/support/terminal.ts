// A command line program driven the way a person at a terminal would: lines typed into its
// stdin (kept open), its screen read as it is written. `expect` waits for text to appear after
// what was already read, so a script can go step by step: type, wait for the answer, type.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

export class Terminal {
  private readonly child: ChildProcessWithoutNullStreams;
  private screen = '';
  /** how much of the screen `expect` has consumed */
  private read = 0;
  stderr = '';
  private exited: Promise<number | null>;

  constructor(
    readonly name: string,
    args: string[],
    env: NodeJS.ProcessEnv,
    cwd: string,
  ) {
    this.child = spawn(process.execPath, args, { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout.setEncoding('utf8');
    this.child.stderr.setEncoding('utf8');
    this.child.stdout.on('data', (d: string) => (this.screen += d));
    this.child.stderr.on('data', (d: string) => (this.stderr += d));
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => resolve(code)));
  }

  /** Types a line and presses Enter. */
  type(line: string): void {
    this.child.stdin.write(`${line}\n`);
  }

  /**
   * Waits until the screen, after what earlier calls consumed, matches `pattern`; consumes up to
   * the end of the match and returns the match. Fails with the unread screen when time runs out.
   */
  async expect(pattern: RegExp, timeoutMs = 30_000): Promise<RegExpExecArray> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const rest = this.screen.slice(this.read);
      const m = pattern.exec(rest);
      if (m) {
        this.read += m.index + m[0].length;
        return m;
      }
      if (Date.now() > until || this.child.exitCode !== null) {
        throw new Error(`${this.name}: no ${pattern} on screen within ${timeoutMs} ms; unread:\n${rest}\nstderr:\n${this.stderr}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Everything shown so far. */
  get output(): string {
    return this.screen;
  }

  /** Closes stdin (Ctrl+D) and waits for the exit code. */
  async close(timeoutMs = 30_000): Promise<number | null> {
    this.child.stdin.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }
}
