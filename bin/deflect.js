#!/usr/bin/env node
// The installed `deflect` command: runs the compiled CLI (built by `npm install` through `prepare`).
import '../dist/src/cli/main.js';
