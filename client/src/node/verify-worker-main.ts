// Entry of client/out/verify-worker.js: the worker thread runVerifyJob starts (see verify-worker.ts).
import { workerMain } from './verify-worker';

void workerMain();
