import type { Command } from 'commander';
import { createLogger } from '../../../connectors/logger.js';
import { action, cliConfig } from '../runtime.js';
import { startLeadline } from '../../main.js';

export function registerStart(program: Command) {
  program.command('start').action(
    action(async () => {
      const config = await cliConfig();
      const logger = createLogger(config.LOG_LEVEL);
      // listening before anything starts: a Ctrl+C during start-up stops it as soon as it is up
      let signalled: (signal: string) => void = () => {};
      const stopRequested = new Promise<string>((resolve) => (signalled = resolve));
      const onTerm = () => signalled('SIGTERM');
      const onInt = () => signalled('SIGINT');
      process.on('SIGTERM', onTerm);
      process.on('SIGINT', onInt);
      try {
        const running = await startLeadline({ config, logger });
        const signal = await stopRequested;
        logger.info({ signal }, 'shutting down');
        await running.stop();
      } finally {
        process.off('SIGTERM', onTerm);
        process.off('SIGINT', onInt);
      }
    }),
  );
}
