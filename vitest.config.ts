import { defineConfig } from "vitest/config";
export default defineConfig({ test: { include: ["test/**/*.test.ts"], setupFiles: ["test/support/node_host.ts"], testTimeout: 60000, hookTimeout: 60000 } });
