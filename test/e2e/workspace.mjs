// The workspace both end-to-end runs open: a copy of examples/paper (its paper.inv, data and
// trained oracle) plus quick.inv, a small-budget inversion on the same committed oracle so a
// run takes seconds, not minutes, and a long one to watch and cancel.
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from './code-server.mjs';

export const QUICK_INV = `// A small-budget run on the paper's trained oracle (end-to-end test).
oracle Poly4 {
  model "models/poly4/model.json"
  inputs x1 in [0, 500], x2 in [0, 500], x3 in [0, 500], x4 in [0, 500]
  outputs y
}

inversion Quick {
  oracle Poly4
  target y = 1900 tolerance 5
  fix x4 = 10
  bound x1, x2 in [0, 500]
  solutions 64
  steps 300
  seed 7
}

// Its box cannot reach 1900 (at most about 720): it runs until cancelled.
inversion Long {
  oracle Poly4
  target y = 1900
  fix x4 = 90
  bound x1, x2, x3 in [0, 90]
  solutions 256
  steps 100000
  seed 3
}
`;

/** An oracle that trains in seconds on the paper's data (▶ Train draws its curve in the panel). */
export const TRAIN_INV = `// A quick training on the paper's data (end-to-end test of ▶ Train).
oracle Small {
  model "models/small/model.json"
  data "data/poly4-train.csv"
  inputs x1 in [0, 500], x2 in [0, 500], x3 in [0, 500], x4 in [0, 500]
  outputs y
  layers 16
  epochs 40
  seed 1
}
`;

export function makeWorkspace(dir) {
    mkdirSync(dir, { recursive: true });
    cpSync(join(REPO, 'examples/paper'), dir, { recursive: true });
    writeFileSync(join(dir, 'quick.inv'), QUICK_INV);
    writeFileSync(join(dir, 'train.inv'), TRAIN_INV);
    return dir;
}
