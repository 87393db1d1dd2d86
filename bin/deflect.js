#!/usr/bin/env -S node --max-semi-space-size=64
// The installed `deflect` command: runs the compiled CLI (built by `npm install` through `prepare`).
// --max-semi-space-size=64 (MB; Node's default is 16): every call keeps its folded state in memory between
// its events, so that state outlives V8's small young generation and is copied on every scavenge. A 64 MB young
// generation measured +25% events/s in bench/ingest (24.8k → 31.0k, two runs each). Every launcher passes the
// same flag (package.json scripts, deploy/Dockerfile); test/deploy/manifests-parse.test.ts keeps them in step.
import '../dist/src/cli/main.js';
