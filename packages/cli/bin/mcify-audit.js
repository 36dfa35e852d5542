#!/usr/bin/env node
// A committed entry point, so npm can link the command before the TypeScript build has run.
import '../dist/bin.js';
