#!/usr/bin/env node
/** The package's `connect-views` command: views as code (cli/, docs/views-as-code.md). */
import { main } from '../cli/command.ts';

process.exitCode = await main();
