#!/usr/bin/env node
/** `npm start`, and the package's `connect-views-local` command: the local emulator (emulator/). */
import { main } from '../emulator/command.ts';

await main(process.argv.slice(2));
