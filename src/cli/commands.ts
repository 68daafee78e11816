import type { Command } from 'commander';
import { registerAppCommands } from './app-commands.js';
import { registerFaultCommands, registerFlowCommands } from './flow-commands.js';
import { registerDeploymentCommands } from './deployment-commands.js';

/** Every command but serve and exec, which cli.ts registers itself. */
export function registerCommands(program: Command): void {
  registerAppCommands(program);
  registerFlowCommands(program);
  registerFaultCommands(program);
  registerDeploymentCommands(program);
}
