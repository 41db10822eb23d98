#!/usr/bin/env bash
# `npm run test:webgpu`: the webgpu backend checked against cpu on Mesa's software Vulkan
# adapter (lavapipe, set up once by setup-lavapipe.sh). On a machine with a GPU, run
# `npx vitest run --config test/webgpu/vitest.config.ts` directly to use the real adapter.
set -euo pipefail
cd "$(dirname "$0")/../.."
icd=$(bash test/webgpu/setup-lavapipe.sh | tail -1)
export VK_ICD_FILENAMES="$icd"
export LD_LIBRARY_PATH="$(dirname "$icd")/root/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export INV_WEBGPU_ADAPTER=software
exec npx vitest run --config test/webgpu/vitest.config.ts
