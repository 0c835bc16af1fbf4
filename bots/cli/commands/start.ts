import type { Command } from 'commander';
import { createLogger } from '../../../connectors/logger.js';
import { action, cliConfig } from '../runtime.js';
import { startLeadline } from '../../main.js';

export function registerStart(program: Command) {
  program.command('start').action(
    action(async () => {
      const config = await cliConfig();
      const logger = createLogger(config.LOG_LEVEL);
      const running = await startLeadline({ config, logger });
      await new Promise<void>((resolve) => {
        const shutdown = (signal: string) => {
          logger.info({ signal }, 'shutting down');
          process.off('SIGTERM', onTerm);
          process.off('SIGINT', onInt);
          void running.stop().then(resolve);
        };
        const onTerm = () => shutdown('SIGTERM');
        const onInt = () => shutdown('SIGINT');
        process.on('SIGTERM', onTerm);
        process.on('SIGINT', onInt);
      });
    }),
  );
}
