#!/usr/bin/env node
// Entry point of the `medchat` command: the compiled CLI (npm run build:node produces it).
import '../out/node/src/main/cli/index.js';
