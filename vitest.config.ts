import { defineConfig } from "vitest/config";

// Two projects: "unit" needs nothing but node; "stack" drives the real Docker Engine and
// compose, so it runs its files one at a time (they share the machine's dockerd).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["src/**/*.test.ts", "ci/**/*.test.ts", "services/**/*.test.ts", "scripts/**/*.test.ts"],
          exclude: ["**/*.docker.test.ts", "**/node_modules/**"],
          // GitHub's workflow parser imports its schema JSON without an import attribute,
          // which Node refuses; vite's transform loads it.
          server: { deps: { inline: ["@actions/workflow-parser"] } },
        },
      },
      {
        test: {
          name: "stack",
          include: ["**/*.docker.test.ts"],
          exclude: ["**/node_modules/**"],
          fileParallelism: false,
          testTimeout: 600_000,
          hookTimeout: 900_000,
        },
      },
    ],
  },
});
